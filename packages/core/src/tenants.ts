import { isValidExternalId, isValidRoleName } from './aws-names';
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
  return displaySafe(attribute.type === 'other' ? attribute.dynamoType : attribute.type, KEY_VALUE_MAX_LENGTH);
}

/** A value from the table quoted in a reason: one line, short. */
function quoted(value: string): string {
  return `"${displaySafe(value, KEY_VALUE_MAX_LENGTH)}"`;
}

function wrongStringAttribute(record: TenantRecord['attributes'], names: readonly string[]): string | undefined {
  const name = names.find((n) => record[n] !== undefined && record[n].type !== 'S');
  return name === undefined ? undefined : `attribute ${name} must be a string (S), found ${typeName(record[name])}`;
}

/** What one item of the table is: not for this run, invalid (and why), or a tenant. */
type ItemReading =
  | { readonly kind: 'not-selected' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'tenant'; readonly tenant: Tenant; readonly warnings: readonly string[] };

function readItem(item: TenantRecord, key: string, criteria: TenantSelectionCriteria, secrets: SecretMasker | undefined): ItemReading {
  const record = item.attributes;
  // status/service decide selection, so a bad type there is reported for every row;
  // the other attributes only matter for rows that are selected.
  const badSelector = wrongStringAttribute(record, ['status', 'service']);
  if (badSelector) return { kind: 'invalid', reason: badSelector };
  const status = stringValue(record.status);
  const service = stringValue(record.service);
  if (status === undefined || service === undefined) return { kind: 'not-selected' };
  if (normalised(status) !== normalised(criteria.status) || normalised(service) !== normalised(criteria.service)) {
    return { kind: 'not-selected' };
  }
  const externalId = stringValue(record.external_id);
  secrets?.add(externalId);
  const badOptional = wrongStringAttribute(record, ['tenant_name', 'role_name', 'external_id']);
  if (badOptional) return { kind: 'invalid', reason: badOptional };

  const idAttribute = record.tenant_id;
  if (idAttribute === undefined) return { kind: 'invalid', reason: 'missing tenant_id attribute' };
  if (idAttribute.type === 'other') {
    return { kind: 'invalid', reason: `attribute tenant_id must be a string (S) or number (N), found ${typeName(idAttribute)}` };
  }
  const warnings: string[] = [];
  let tenantId = idAttribute.value.trim();
  if (idAttribute.type === 'N') {
    if (!/^\d{1,12}$/.test(tenantId))
      return { kind: 'invalid', reason: `tenant_id ${displaySafe(tenantId, KEY_VALUE_MAX_LENGTH)} is not a 12-digit account ID` };
    const padded = tenantId.padStart(12, '0');
    if (padded !== tenantId) {
      warnings.push(`Tenant ${key}: numeric tenant_id padded to ${padded}; store it as a 12-digit string to avoid losing leading zeros.`);
    }
    tenantId = padded;
  } else if (!TWELVE_DIGITS.test(tenantId)) {
    return { kind: 'invalid', reason: `tenant_id ${quoted(idAttribute.value)} is not a 12-digit account ID` };
  }
  // The role name goes into an ARN and every hint about it: only what IAM accepts.
  const roleName = stringValue(record.role_name)?.trim() || undefined;
  if (roleName !== undefined && !isValidRoleName(roleName)) {
    return {
      kind: 'invalid',
      reason: `role_name ${quoted(roleName)} is not a valid IAM role name (an optional path, then 1-64 of letters, digits and +=,.@_-)`,
    };
  }
  // STS would refuse it, and quote it back in its error: say why without showing it.
  if (externalId && !isValidExternalId(externalId)) {
    return {
      kind: 'invalid',
      reason: 'attribute external_id is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-); the value is not shown',
    };
  }
  const tenant: Tenant = {
    tenantId,
    // Kept whole for the report; summaries and messages show it display-safe.
    tenantName: stringValue(record.tenant_name)?.trim() ?? '',
    roleName,
    externalId: externalId || undefined,
    ...(item.primaryKey.length > 0 ? { primaryKey: item.primaryKey } : {}),
  };
  // Stryker disable next-line StringLiteral: equivalent, selectTenants treats every kind but not-selected and invalid as a tenant
  return { kind: 'tenant', tenant, warnings };
}

/** The attributes two items of one tenant must agree on to be the same tenant. */
const DUPLICATE_ATTRIBUTES: readonly { readonly name: string; readonly of: (tenant: Tenant) => string | undefined }[] = [
  { name: 'tenant_name', of: (t) => t.tenantName },
  { name: 'role_name', of: (t) => t.roleName },
  { name: 'external_id', of: (t) => t.externalId },
];

// A reason names at most this many of a tenant's conflicting items.
const MAX_LISTED_KEYS = 5;

interface TenantItem {
  readonly key: string;
  readonly position: number;
  readonly tenant: Tenant;
}

/**
 * Picks the tenants to collect from the raw table items, as docs/configuration.md ("Tenant table") says:
 * status/service match (trimmed, case-insensitive), bad items are reported and skipped,
 * numeric IDs are zero-padded. Items of one tenant that agree are collected once; items of one
 * tenant that disagree (name, role, ExternalId) are all invalid: no scan order decides which wins.
 * Every ExternalId of a selected item is told to `secrets` before anything about the item is said;
 * every value from the table in a reason, key or warning is display-safe.
 */
export function selectTenants(
  records: readonly TenantRecord[],
  criteria: TenantSelectionCriteria,
  secrets?: SecretMasker,
): TenantSelection {
  const itemsByTenant = new Map<string, TenantItem[]>();
  const invalid: { readonly position: number; readonly record: InvalidRecord }[] = [];
  const warnings: string[] = [];

  records.forEach((item, position) => {
    const key = recordKey(item, position);
    const reading = readItem(item, key, criteria, secrets);
    if (reading.kind === 'not-selected') return;
    if (reading.kind === 'invalid') {
      invalid.push({ position, record: { key, reason: reading.reason } });
      return;
    }
    warnings.push(...reading.warnings);
    const { tenantId } = reading.tenant;
    itemsByTenant.set(tenantId, [...(itemsByTenant.get(tenantId) ?? []), { key, position, tenant: reading.tenant }]);
  });

  const tenants: Tenant[] = [];
  for (const [tenantId, items] of itemsByTenant) {
    const differing = DUPLICATE_ATTRIBUTES.filter((a) => new Set(items.map((i) => a.of(i.tenant))).size > 1).map((a) => a.name);
    if (differing.length === 0) {
      tenants.push(items[0].tenant);
      for (let n = 1; n < items.length; n += 1)
        warnings.push(`Tenant ${tenantId} appears more than once in the table; it is collected once.`);
      continue;
    }
    const keys = items
      .slice(0, MAX_LISTED_KEYS)
      .map((i) => i.key)
      .concat(items.length > MAX_LISTED_KEYS ? [`${items.length - MAX_LISTED_KEYS} more`] : [])
      .join('; ');
    for (const { key, position } of items) {
      invalid.push({
        position,
        record: {
          key,
          reason: `tenant_id ${tenantId} is in ${items.length} items whose ${differing.join(', ')} differ (${keys}); keep one item per tenant`,
        },
      });
    }
  }

  const invalidRecords = invalid.sort((a, b) => a.position - b.position).map((i) => i.record);
  return { tenants, invalidRecords, warnings };
}
