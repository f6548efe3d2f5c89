import type { AccountWithDetails, RunReport, RunSummary, TenantReport, TenantReportDetails, TenantResult } from '@orgmeta/core';
import { buildRunReport, countAccountStates, tagCoverage } from '@orgmeta/core';

/** Values an attacker could put in a tag, an account name or a tenant-table item. */
export const HOSTILE = {
  script: '<script>document.title="pwned"</script>',
  img: '"><img src=x onerror=alert(1)>',
  style: '</style><style>body{display:none}</style>',
  javascript: 'javascript:alert(document.domain)',
  entity: '&lt;b&gt;not bold&lt;/b&gt; &amp;',
  lineSeparator: 'line\u2028separator\u2029para',
  comment: '--><!--',
  bidi: '\u202Egnp.exe',
} as const;

export const REQUIRED_TAGS = ['Owner', 'CostCenter', HOSTILE.img];

const COLLECTED_AT = new Date('2024-05-01T12:00:00.000Z');

function account(tenantId: string, index: number, state: string, name: string, tags: Record<string, string>): AccountWithDetails {
  const id = `${tenantId.slice(0, 4)}${String(index).padStart(8, '0')}`;
  return {
    id,
    arn: `arn:aws:organizations::${tenantId}:account/o-abc/${id}`,
    name,
    email: `${id}@example.com`,
    state,
    joinedMethod: 'CREATED',
    tags: new Map(Object.entries(tags)),
    ouPath: '',
  };
}

function tenantReport(tenantId: string, tenantName: string, accounts: AccountWithDetails[]): TenantReport {
  return {
    tenant: { tenantId, tenantName },
    organization: {
      id: 'o-abc',
      arn: `arn:aws:organizations::${tenantId}:organization/o-abc`,
      managementAccountId: tenantId,
      managementAccountEmail: `root@${tenantId}.example`,
    },
    accounts,
    tagKeys: [],
    collectedAt: COLLECTED_AT,
  };
}

const STATES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'ACTIVE'];

/** `count` accounts with a mix of states and tags; `hostile` puts attacker values in names, keys and values. */
function accounts(tenantId: string, count: number, hostile: boolean): AccountWithDetails[] {
  const hostileValues = Object.values(HOSTILE);
  return Array.from({ length: count }, (_, i) => {
    const tags: Record<string, string> = {};
    if (i % 4 !== 1) tags.Owner = hostile && i % 3 === 0 ? HOSTILE.script : `team-${i % 5}`;
    if (i % 3 !== 2) tags.CostCenter = i % 7 === 0 ? '   ' : `cc-${i % 11}`;
    if (i % 2 === 0) tags[HOSTILE.img] = HOSTILE.style;
    const name = hostile ? `${hostileValues[i % hostileValues.length]} #${i}` : `workload-${String(i).padStart(3, '0')}`;
    return account(tenantId, i, STATES[i % STATES.length], name, tags);
  });
}

interface TenantSpec {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly accounts: number;
  readonly hostile?: boolean;
  readonly error?: TenantResult['error'];
  readonly changes?: TenantReportDetails['changes'];
}

/** A run summary and its details, built the way the pipeline will: from collected tenant reports. */
export function runModel(specs: readonly TenantSpec[], options: { maxAccountsMissingListed?: number } = {}): RunReport {
  const details: Record<string, TenantReportDetails> = {};
  const results: TenantResult[] = specs.map((spec) => {
    if (spec.error) {
      return { tenantId: spec.tenantId, tenantName: spec.tenantName, status: 'failed', accounts: 0, durationMs: 850, error: spec.error };
    }
    const report = tenantReport(spec.tenantId, spec.tenantName, accounts(spec.tenantId, spec.accounts, spec.hostile ?? false));
    details[spec.tenantId] = {
      accountStates: countAccountStates(report.accounts),
      tagCoverage: tagCoverage(report, REQUIRED_TAGS),
      ...(spec.changes === undefined ? {} : { changes: spec.changes }),
    };
    return {
      tenantId: spec.tenantId,
      tenantName: spec.tenantName,
      status: 'succeeded',
      accounts: report.accounts.length,
      s3Key: `org-accounts/dt=2024-05-01/tenant_id=${spec.tenantId}/accounts.csv`,
      durationMs: 4_200 + spec.accounts * 31,
    };
  });
  const succeeded = results.filter((r) => r.status === 'succeeded');
  const summary: RunSummary = {
    runId: '20240501T120000Z-7f3a',
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:02:41.250Z',
    tenants: results,
    // Every hostile value once where it is certainly shown: as the key of a skipped table item.
    invalidRecords: Object.values(HOSTILE).map((value) => ({ key: `pk=${value}`, reason: 'tenant_id is not 12 digits' })),
    totals: {
      tenants: results.length,
      succeeded: succeeded.length,
      failed: results.length - succeeded.length,
      accounts: succeeded.reduce((sum, r) => sum + r.accounts, 0),
    },
  };
  return buildRunReport(summary, { details, ...options });
}

export const FAILED_HINT = 'Deploy the orgmeta tenant reader role in 444444444444 and allow the collector role to assume it';

/** Four tenants, hostile values everywhere, one failed with a hint. */
export function hostileModel(): RunReport {
  return runModel([
    {
      tenantId: '111111111111',
      tenantName: 'Acme Corp',
      accounts: 24,
      changes: { previousRunId: '20240430T120000Z-1c2d', added: 2, removed: 1, modified: 5, total: 11 },
    },
    { tenantId: '222222222222', tenantName: `Globex ${HOSTILE.script}`, accounts: 12, hostile: true, changes: null },
    {
      tenantId: '333333333333',
      tenantName: `Initech ${HOSTILE.img} ${HOSTILE.style} ${HOSTILE.lineSeparator}`,
      accounts: 9,
      hostile: true,
      changes: { previousRunId: HOSTILE.javascript, added: 0, removed: 0, modified: 1, total: 2 },
    },
    {
      tenantId: '444444444444',
      tenantName: `Umbrella ${HOSTILE.bidi}`,
      accounts: 0,
      error: { code: 'AccessDenied', message: `User is not authorized to perform sts:AssumeRole ${HOSTILE.script}`, hint: FAILED_HINT },
    },
  ]);
}

/** The size the brief budgets for: 6 tenants of 100 accounts each. */
export function largeModel(): RunReport {
  return runModel(
    Array.from({ length: 6 }, (_, i) => ({
      tenantId: String(i + 1).repeat(12),
      tenantName: `Tenant ${i + 1}`,
      accounts: 100,
      hostile: i % 2 === 0,
      changes: { previousRunId: 'run-0', added: i, removed: 1, modified: 3, total: 9 },
    })),
  );
}
