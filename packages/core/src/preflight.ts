import pLimit from 'p-limit';
import type { CollectConfig } from './config';
import { settingName, type Surface } from './config';
import { SecretMasker, displaySafe, safeText } from './redaction';
import { TenantCollectionError, TenantSourceError } from './errors';
import {
  EXTERNAL_ID_MISSING,
  describeFailure,
  externalIdMissing,
  failureContextFor,
  tenantTableFailure,
  type CollectionStage,
  type FailureContext,
} from './failures';
import { assumeRoleTargetFor } from './assume-role-target';
import { detailFamiliesFor, placementIds, type AccountDetailFamily } from './account-details';
import { newRunId, planRun } from './pipeline';
import type { CallerIdentity, Logger, OrganizationConnector, OrganizationReader, TenantSource, WriteProbe } from './ports';
import type { Account, InvalidRecord, Tenant } from './types';
import { runLockCheck, type RunLockStore } from './run-lock';

/** The outcome of one preflight check. */
export type CheckStatus = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

/** One check of {@link runPreflight}: what was tried, for which tenant (or the whole run), and the outcome. */
export interface CheckResult {
  /** A tenant ID, or `run` for checks made once. */
  readonly scope: string;
  /** What was tried, e.g. `assume role`. */
  readonly check: string;
  /** The outcome. */
  readonly status: CheckStatus;
  /** What happened, for people. */
  readonly detail: string;
  /** The AWS error code of a failed check. */
  readonly code?: string;
  /** How to fix a failed check. */
  readonly hint?: string;
}

/** Every check {@link runPreflight} made, and whether all passed. */
export interface PreflightReport {
  /** The principal the collector runs as, when it could be read. */
  readonly collectorPrincipal?: string;
  /** Every check, in order. */
  readonly results: readonly CheckResult[];
  /** Tenant-table items a run would skip. */
  readonly invalidRecords: readonly InvalidRecord[];
  /** True only when nothing failed. */
  readonly passed: boolean;
}

/** The ports {@link runPreflight} tries. */
export interface PreflightDependencies {
  readonly tenantSource: TenantSource;
  readonly organizations: OrganizationConnector;
  readonly writeProbe?: WriteProbe;
  readonly identity?: CallerIdentity;
  readonly logger: Logger;
  readonly region: string;
  /** Hints name settings as this surface sets them. */
  readonly surface: Surface;
  /** Learns the run's ExternalIds and masks them wherever AWS quotes one back (see PipelineDependencies). */
  readonly secrets?: SecretMasker;
  /** Where a collection would take its run lock: check says whether a run holds it now. */
  readonly runLockStore?: RunLockStore;
}

/** `arn:aws:sts::1:assumed-role/Name/session` → `arn:aws:iam::1:role/Name`, as trust policies want it. */
export function trustablePrincipal(arn: string): string {
  const match = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : arn;
}

function trustStatement(principal: string, externalId: boolean): string {
  const condition = externalId ? ',"Condition":{"StringEquals":{"sts:ExternalId":"<the tenant\'s ExternalId>"}}' : '';
  return `{"Effect":"Allow","Principal":{"AWS":"${principal}"},"Action":"sts:AssumeRole"${condition}}`;
}

/**
 * `orgmeta check`: everything a collection needs, tried once, without writing a report:
 * the table is readable, the bucket is writable, and per tenant the role can be assumed
 * and the Organizations reads are allowed.
 */
export async function runPreflight(config: CollectConfig, appDeps: PreflightDependencies): Promise<PreflightReport> {
  const secrets = appDeps.secrets ?? new SecretMasker();
  secrets.add(config.externalId);
  const deps = { ...appDeps, secrets };
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const results: CheckResult[] = [];
  const collectorPrincipal = deps.identity
    ? await deps.identity.principalArn().then(
        (arn) => displaySafe(trustablePrincipal(arn)),
        () => undefined,
      )
    : undefined;

  let tenants: readonly Tenant[] = [];
  let invalidRecords: readonly InvalidRecord[] = [];
  try {
    const plan = await planRun(config, deps);
    tenants = plan.tenants;
    invalidRecords = plan.invalidRecords;
    results.push({
      scope: 'run',
      check: 'tenant table readable',
      status: 'PASS',
      detail: `${config.tableName}: ${tenants.length} tenant(s) selected, ${invalidRecords.length} invalid row(s)`,
    });
    for (const missing of plan.notSelected) {
      results.push({
        scope: missing.tenantId,
        check: 'tenant selected',
        status: 'FAIL',
        detail: missing.error?.message ?? '',
        code: missing.error?.code,
        hint: missing.error?.hint,
      });
    }
  } catch (error) {
    const failure = error instanceof TenantSourceError ? error.toDetails() : tenantTableFailure(error, failureContextFor(config, deps));
    results.push({
      scope: 'run',
      check: 'tenant table readable',
      status: 'FAIL',
      detail: failure.message,
      code: failure.code,
      hint: failure.hint,
    });
  }

  if (tenants.length > 0) results.push(...externalIdChecks(tenants, config, deps.surface));

  if (deps.writeProbe && config.bucketName) {
    results.push(await probeBucket(config, deps.writeProbe, runId, failureContextFor(config, deps)));
  }

  if (deps.runLockStore) results.push(await runLockCheck(config, deps.runLockStore, deps.surface));

  const limit = pLimit(config.tenantConcurrency);
  const perTenant = await Promise.all(tenants.map((tenant) => limit(() => checkTenant(tenant, config, deps, runId, collectorPrincipal))));
  results.push(...perTenant.flat());
  return { collectorPrincipal, results, invalidRecords, passed: results.every((r) => r.status !== 'FAIL') };
}

// Long lists of tenant IDs are cut in check details.
const MAX_LISTED_TENANTS = 10;

function listed(tenantIds: readonly string[]): string {
  const shown = tenantIds.slice(0, MAX_LISTED_TENANTS).join(', ');
  return tenantIds.length > MAX_LISTED_TENANTS ? `${shown} and ${tenantIds.length - MAX_LISTED_TENANTS} more` : shown;
}

const CONFUSED_DEPUTY =
  "Give each tenant its own random external_id in the tenant table, and the same value in the sts:ExternalId condition of its reader role's trust policy: a missing or shared ExternalId lets a role meant for one tenant be assumed on behalf of another (the confused deputy problem).";

/**
 * Whether every tenant has an ExternalId and none shares it with another (the run-wide one counts
 * as shared when several tenants fall back to it). Names tenants, never the values.
 */
function externalIdChecks(tenants: readonly Tenant[], config: CollectConfig, surface: Surface): CheckResult[] {
  const byValue = new Map<string, string[]>();
  const none: string[] = [];
  for (const tenant of tenants) {
    const value = tenant.externalId ?? config.externalId;
    if (value === undefined) none.push(tenant.tenantId);
    else byValue.set(value, [...(byValue.get(value) ?? []), tenant.tenantId]);
  }
  const shared = [...byValue.entries()].filter(([, ids]) => ids.length > 1);
  const requireHint = config.requireExternalId ? '' : ` Then turn on ${settingName('requireExternalId', surface)}.`;
  return [
    none.length === 0
      ? { scope: 'run', check: 'ExternalId set', status: 'PASS', detail: `all ${tenants.length} tenant(s) have an ExternalId` }
      : {
          scope: 'run',
          check: 'ExternalId set',
          status: 'WARN',
          detail: `${none.length} of ${tenants.length} tenant(s) have no ExternalId: ${listed(none)}`,
          hint: `${CONFUSED_DEPUTY}${requireHint}`,
        },
    shared.length === 0
      ? { scope: 'run', check: 'ExternalId unique', status: 'PASS', detail: 'no two tenants share an ExternalId' }
      : {
          scope: 'run',
          check: 'ExternalId unique',
          status: 'WARN',
          detail: shared
            .map(([value, ids]) => `${listed(ids)} share ${value === config.externalId ? 'the run-wide ExternalId' : 'one ExternalId'}`)
            .join('; '),
          hint: `${CONFUSED_DEPUTY}${requireHint}`,
        },
  ];
}

async function probeBucket(config: CollectConfig, probe: WriteProbe, runId: string, failureContext: FailureContext): Promise<CheckResult> {
  const key = `${config.prefix}_orgmeta-check/${runId}.txt`;
  try {
    const outcome = await probe.probeWrite(key);
    if (outcome.removed)
      return { scope: 'run', check: 'bucket writable', status: 'PASS', detail: `wrote and removed s3://${config.bucketName}/${key}` };
    return {
      scope: 'run',
      check: 'bucket writable',
      status: 'WARN',
      detail: `wrote s3://${config.bucketName}/${key} but could not remove it (${safeText(outcome.removeError ?? 'no reason given', failureContext.secrets)})`,
      hint: `Reports can be written. To let check clean up, allow s3:DeleteObject on arn:aws:s3:::${config.bucketName}/${config.prefix}_orgmeta-check/*.`,
    };
  } catch (error) {
    const failure = describeFailure('S3Upload', error, failureContext);
    return { scope: 'run', check: 'bucket writable', status: 'FAIL', detail: failure.message, code: failure.code, hint: failure.hint };
  }
}

async function checkTenant(
  tenant: Tenant,
  config: CollectConfig,
  deps: PreflightDependencies,
  runId: string,
  collectorPrincipal: string | undefined,
): Promise<CheckResult[]> {
  const { organizations } = deps;
  const access = assumeRoleTargetFor(tenant, config, deps.region, runId);
  const { roleArn: arn, externalId } = access;
  const failureContext = failureContextFor(config, deps, { tenantId: tenant.tenantId, roleArn: arn });
  const results: CheckResult[] = [];
  const scope = tenant.tenantId;
  let failed = false;

  const attempt = async <T>(
    check: string,
    stage: CollectionStage,
    action: () => Promise<T>,
    pass: (value: T) => Omit<CheckResult, 'scope' | 'check'>,
    // A detail check that fails does not stop the others: each names its own fix.
    independent = false,
  ): Promise<T | undefined> => {
    if (failed) {
      results.push({ scope, check, status: 'SKIP', detail: 'an earlier check failed' });
      return undefined;
    }
    try {
      const value = await action();
      results.push({ scope, check, ...pass(value) });
      return value;
    } catch (error) {
      failed = failed || !independent;
      const failure = describeFailure(stage, error, failureContext);
      const hint =
        stage === 'AssumeRole' && collectorPrincipal && failure.code !== EXTERNAL_ID_MISSING
          ? `${failure.hint} Trust policy statement for ${arn}: ${trustStatement(collectorPrincipal, externalId !== undefined)}`
          : failure.hint;
      results.push({ scope, check, status: 'FAIL', detail: failure.message, code: failure.code, hint });
      return undefined;
    }
  };

  const reader = await attempt(
    'assume role',
    'AssumeRole',
    async () => {
      // As in a collection: no AssumeRole without the tenant's own ExternalId when one is required.
      if (config.requireExternalId && !tenant.externalId) throw new TenantCollectionError(externalIdMissing(failureContext));
      return organizations.connect(access);
    },
    () => ({ status: 'PASS', detail: `${arn}${externalId ? ' (with ExternalId)' : ''}` }),
  );
  const organization = await attempt(
    'DescribeOrganization',
    'DescribeOrganization',
    () => (reader as OrganizationReader).describeOrganization(),
    (org) =>
      org.managementAccountId === tenant.tenantId
        ? { status: 'PASS', detail: `${displaySafe(org.id)}, managed by the tenant account` }
        : {
            status: 'WARN',
            detail: `${displaySafe(org.id)} is managed by ${displaySafe(org.managementAccountId)}, not ${tenant.tenantId}`,
            hint: 'Set tenant_id to the management account ID, or deploy the reader role there.',
          },
  );
  const firstPage = await attempt(
    'ListAccounts',
    'ListAccounts',
    () => firstAccountsPage(reader as OrganizationReader),
    (page) => ({ status: 'PASS', detail: `first page: ${page.length} account(s)` }),
  );
  const sampleAccount = firstPage?.[0]?.id ?? organization?.managementAccountId ?? tenant.tenantId;
  await attempt(
    'ListTagsForResource',
    'ListTagsForResource',
    () => (reader as OrganizationReader).listTags(sampleAccount),
    (tags) => ({ status: 'PASS', detail: `${displaySafe(sampleAccount)}: ${tags.length} tag(s)` }),
  );
  // Account Management needs trusted access only for member accounts: probe one, where there is one.
  const managementId = organization?.managementAccountId ?? tenant.tenantId;
  const sampleMember = firstPage?.find((a) => a.id !== managementId);
  for (const family of detailFamiliesFor(config)) {
    const probe = detailProbe(family, reader as OrganizationReader, sampleMember);
    await attempt(probe.check, family.stage, probe.run, (detail) => ({ status: 'PASS', detail }), true);
  }
  return results;
}

/** One read per detail flag in use, as a collection would make it, saying what it found. */
function detailProbe(
  family: AccountDetailFamily,
  reader: OrganizationReader,
  member: Account | undefined,
): { readonly check: string; readonly run: () => Promise<string> } {
  const who = member ? displaySafe(member.id) : 'the management account (no member account)';
  switch (family.flag) {
    case 'includeOuPath':
      return {
        check: 'OU names (ListRoots, DescribeOrganizationalUnit)',
        run: async () => {
          const roots = await reader.rootNames();
          const ouId = member?.paths?.[0] === undefined ? undefined : placementIds(member.paths[0])?.ouIds[0];
          if (ouId === undefined) return `${roots.size} root(s); OU paths come from a walk of the OU tree`;
          await reader.organizationalUnitName(ouId);
          return `${roots.size} root(s); OU names from the accounts' Paths`;
        },
      };
    case 'includeDelegatedAdmins':
      return {
        check: 'ListDelegatedAdministrators',
        run: async () => {
          const admins = await reader.delegatedAdministrators();
          if (admins[0] !== undefined) await reader.delegatedServices(admins[0]);
          return `${admins.length} delegated administrator(s)`;
        },
      };
    case 'includeContacts':
      return {
        check: 'GetAlternateContact',
        run: async () => {
          await reader.alternateContactEmail(member?.id, 'SECURITY');
          return `${who}: alternate contacts readable${member ? ' (trusted access for Account Management is on)' : ''}`;
        },
      };
    case 'includeRegions':
      return {
        check: 'ListRegions',
        run: async () => `${who}: ${(await reader.enabledRegions(member?.id)).length} Region(s) enabled`,
      };
  }
}

async function firstAccountsPage(reader: OrganizationReader) {
  for await (const page of reader.listAccounts()) return page;
  return [];
}
