import { isValidExternalId } from './aws-names';
import { displaySafe, type SecretMasker } from './redaction';
import type { InvalidRecord, Tenant, TenantAttribute, TenantRecord } from './types';

export interface TenantSelectionCriteria {
  readonly status: string;
  readonly service: string;
}

export interface TenantSelection {
  readonly tenants: Tenant[];
  readonly invalidRecords: InvalidRecord[];
  /** Non-fatal notes for the operator (e.g. a numeric tenant_id was padded). */
  readonly warnings: string[];
}

const TWELVE_DIGITS = /^\d{12}$/;

function normalised(text: string): string {
  return text.trim().toLowerCase();
}

// A key value is untrusted text from the table: shown on one line, and short.
const KEY_VALUE_MAX_LENGTH = 128;

/**
 * How the operator finds the item: by the table's own key attributes (`pk=tenant#42`,
 * `pk=…,sk=…`); when the key schema is unknown, by tenant_id, else by its scan position.
 */
function recordKey(record: TenantRecord, position: number): string {
  if (record.primaryKey.length > 0) {
    return record.primaryKey
      .map((k) => `${displaySafe(k.name, KEY_VALUE_MAX_LENGTH)}=${displaySafe(k.value, KEY_VALUE_MAX_LENGTH)}`)
      .join(',');
  }
  const id = record.attributes.tenant_id;
  if (id && id.type !== 'other') return `tenant_id=${displaySafe(id.value, KEY_VALUE_MAX_LENGTH)}`;
  return `item #${position + 1} of the scan (no usable tenant_id)`;
}

function stringValue(attribute: TenantAttribute | undefined): string | undefined {
  return attribute?.type === 'S' ? attribute.value : undefined;
}

function typeName(attribute: TenantAttribute): string {
  return attribute.type === 'other' ? attribute.dynamoType : attribute.type;
}

function wrongStringAttribute(record: TenantRecord['attributes'], names: readonly string[]): string | undefined {
  const name = names.find((n) => record[n] !== undefined && record[n].type !== 'S');
  return name === undefined ? undefined : `attribute ${name} must be a string (S), found ${typeName(record[name])}`;
}

/**
 * Picks the tenants to collect from the raw table items, as docs/configuration.md ("Tenant table") says:
 * status/service match (trimmed, case-insensitive), bad items are reported and skipped,
 * numeric IDs are zero-padded, duplicates are collected once.
 * Every ExternalId of a selected item is told to `secrets` before anything about the item is said.
 */
export function selectTenants(
  records: readonly TenantRecord[],
  criteria: TenantSelectionCriteria,
  secrets?: SecretMasker,
): TenantSelection {
  const tenants = new Map<string, Tenant>();
  const invalidRecords: InvalidRecord[] = [];
  const warnings: string[] = [];
  const wantedStatus = normalised(criteria.status);
  const wantedService = normalised(criteria.service);

  records.forEach((item, position) => {
    const key = recordKey(item, position);
    const record = item.attributes;
    // status/service decide selection, so a bad type there is reported for every row;
    // the other attributes only matter for rows that are selected.
    const badSelector = wrongStringAttribute(record, ['status', 'service']);
    if (badSelector) {
      invalidRecords.push({ key, reason: badSelector });
      return;
    }
    const status = stringValue(record.status);
    const service = stringValue(record.service);
    if (status === undefined || service === undefined) return;
    if (normalised(status) !== wantedStatus || normalised(service) !== wantedService) return;
    const externalId = stringValue(record.external_id);
    secrets?.add(externalId);
    const badOptional = wrongStringAttribute(record, ['tenant_name', 'role_name', 'external_id']);
    if (badOptional) {
      invalidRecords.push({ key, reason: badOptional });
      return;
    }

    const idAttribute = record.tenant_id;
    if (idAttribute === undefined) {
      invalidRecords.push({ key, reason: 'missing tenant_id attribute' });
      return;
    }
    if (idAttribute.type === 'other') {
      invalidRecords.push({ key, reason: `attribute tenant_id must be a string (S) or number (N), found ${idAttribute.dynamoType}` });
      return;
    }
    let tenantId = idAttribute.value.trim();
    if (idAttribute.type === 'N') {
      if (!/^\d{1,12}$/.test(tenantId)) {
        invalidRecords.push({ key, reason: `tenant_id ${tenantId} is not a 12-digit account ID` });
        return;
      }
      const padded = tenantId.padStart(12, '0');
      if (padded !== tenantId) {
        warnings.push(`Tenant ${key}: numeric tenant_id padded to ${padded}; store it as a 12-digit string to avoid losing leading zeros.`);
      }
      tenantId = padded;
    } else if (!TWELVE_DIGITS.test(tenantId)) {
      invalidRecords.push({ key, reason: `tenant_id "${idAttribute.value}" is not a 12-digit account ID` });
      return;
    }
    // STS would refuse it, and quote it back in its error: say why without showing it.
    if (externalId && !isValidExternalId(externalId)) {
      invalidRecords.push({
        key,
        reason: 'attribute external_id is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-); the value is not shown',
      });
      return;
    }
    if (tenants.has(tenantId)) {
      warnings.push(`Tenant ${tenantId} appears more than once in the table; it is collected once.`);
      return;
    }
    tenants.set(tenantId, {
      tenantId,
      tenantName: stringValue(record.tenant_name)?.trim() ?? '',
      roleName: stringValue(record.role_name)?.trim() || undefined,
      externalId: externalId || undefined,
      ...(item.primaryKey.length > 0 ? { primaryKey: item.primaryKey } : {}),
    });
  });

  return { tenants: [...tenants.values()], invalidRecords, warnings };
}
