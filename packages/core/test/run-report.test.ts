import type { TagCoverage, TenantResult } from '../src';
import type { RunReportSource } from '../src/run-report';
import { buildRunReport, countAccountStates } from '../src';
import { UNRECORDED_STATE } from '../src/run-report';

function succeeded(tenantId: string, tenantName: string, accounts: number): TenantResult {
  return {
    tenantId,
    tenantName,
    status: 'succeeded',
    accounts,
    s3Key: `org-accounts/dt=2024-05-01/tenant_id=${tenantId}/accounts.csv`,
    durationMs: 1200,
  };
}

function failed(tenantId: string, tenantName: string, error?: TenantResult['error']): TenantResult {
  return { tenantId, tenantName, status: 'failed', accounts: 0, durationMs: 300, ...(error ? { error } : {}) };
}

function summary(tenants: RunReportSource['tenants']): RunReportSource {
  const ok = tenants.filter((t) => t.status === 'succeeded');
  return {
    runId: '20240501T120000Z-abcd',
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:01:30.500Z',
    tenants,
    invalidRecords: [{ key: 'pk=tenant#42', reason: 'tenant_id is not 12 digits' }],
    totals: {
      tenants: tenants.length,
      succeeded: ok.length,
      failed: tenants.length - ok.length,
      accounts: ok.reduce((sum, t) => sum + t.accounts, 0),
    },
  };
}

function coverage(tenantId: string, activeAccounts: number, present: Record<string, number>, missingIds: string[]): TagCoverage {
  const keys = Object.entries(present).map(([key, count]) => ({
    key,
    present: count,
    missing: activeAccounts - count,
    share: activeAccounts === 0 ? null : count / activeAccounts,
  }));
  return {
    tenantId,
    requiredTags: Object.keys(present),
    activeAccounts,
    fullyTagged: activeAccounts - missingIds.length,
    keys,
    accountsMissing: missingIds.length,
    accountsMissingTags: missingIds.map((accountId) => ({ accountId, accountName: `n-${accountId}`, missingKeys: ['Owner'] })),
  };
}

const ACCESS_DENIED = {
  code: 'AccessDenied',
  message: 'User is not authorized to perform sts:AssumeRole',
  hint: 'Deploy the tenant reader role in 333333333333 and trust the collector role',
};

describe('buildRunReport', () => {
  it('gives the fleet totals and run timing from the summary', () => {
    // Prepare
    const source = summary([
      succeeded('111111111111', 'Acme', 5),
      succeeded('222222222222', 'Globex', 3),
      failed('333333333333', 'Initech'),
    ]);

    // Act
    const report = buildRunReport(source);

    // Assess
    expect(report.runId).toBe('20240501T120000Z-abcd');
    expect(report.durationMs).toBe(90_500);
    expect(report.fleet).toMatchObject({ tenants: 3, succeeded: 2, failed: 1, accounts: 8 });
    expect(report.invalidRecords).toEqual([{ key: 'pk=tenant#42', reason: 'tenant_id is not 12 digits' }]);
    expect(report.tenants.map((t) => [t.tenantName, t.status, t.location ?? null])).toEqual([
      ['Acme', 'succeeded', 'org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv'],
      ['Globex', 'succeeded', 'org-accounts/dt=2024-05-01/tenant_id=222222222222/accounts.csv'],
      ['Initech', 'failed', null],
    ]);
  });

  it('sums account states across tenants, live states first, others by name', () => {
    const source = summary([succeeded('111111111111', 'Acme', 6), succeeded('222222222222', 'Globex', 4)]);

    const report = buildRunReport(source, {
      details: {
        '111111111111': { accountStates: { SUSPENDED: 1, ACTIVE: 4, PENDING_CLOSURE: 1 } },
        '222222222222': { accountStates: { ZOMBIE: 1, ACTIVE: 2, SUSPENDED: 1, CLOSED: 0 } },
      },
    });

    expect(report.fleet.accountStates).toEqual([
      { state: 'ACTIVE', accounts: 6 },
      { state: 'PENDING_CLOSURE', accounts: 1 },
      { state: 'SUSPENDED', accounts: 2 },
      { state: 'ZOMBIE', accounts: 1 },
    ]);
    expect(report.tenants[1].accountStates).toEqual([
      { state: 'ACTIVE', accounts: 2 },
      { state: 'SUSPENDED', accounts: 1 },
      { state: 'ZOMBIE', accounts: 1 },
    ]);
  });

  it('reads details carried on the summary entries, and lets explicit details win', () => {
    const source = summary([
      { ...succeeded('111111111111', 'Acme', 2), accountStates: { ACTIVE: 2 }, changes: null },
      { ...succeeded('222222222222', 'Globex', 1), accountStates: { ACTIVE: 1 } },
    ]);

    const report = buildRunReport(source, { details: { '222222222222': { accountStates: { SUSPENDED: 1 } } } });

    expect(report.tenants[0].accountStates).toEqual([{ state: 'ACTIVE', accounts: 2 }]);
    expect(report.tenants[0].changes).toEqual({ status: 'first-snapshot' });
    expect(report.tenants[1].accountStates).toEqual([{ state: 'SUSPENDED', accounts: 1 }]);
  });

  it('keeps states adding up to the accounts when a tenant recorded none', () => {
    const report = buildRunReport(summary([succeeded('111111111111', 'Acme', 7), failed('333333333333', 'Initech', ACCESS_DENIED)]));

    expect(report.tenants[0].accountStates).toEqual([{ state: UNRECORDED_STATE, accounts: 7 }]);
    expect(report.tenants[1].accountStates).toEqual([]);
    expect(report.fleet.accountStates).toEqual([{ state: UNRECORDED_STATE, accounts: 7 }]);
  });

  it('lists the failed tenants with code, message and hint, in summary order', () => {
    const source = summary([
      failed('333333333333', 'Initech', ACCESS_DENIED),
      succeeded('111111111111', 'Acme', 1),
      failed('444444444444', 'Umbrella'),
    ]);

    const report = buildRunReport(source);

    expect(report.failures).toEqual([
      { tenantId: '333333333333', tenantName: 'Initech', ...ACCESS_DENIED },
      { tenantId: '444444444444', tenantName: 'Umbrella', code: 'Unknown', message: '', hint: '' },
    ]);
    expect(report.tenants[0].failure).toEqual(report.failures[0]);
    expect(report.tenants[1].failure).toBeNull();
  });

  it('tells apart changes not detected, a first snapshot and a comparison, and sums them', () => {
    const source = summary([
      succeeded('111111111111', 'Acme', 5),
      succeeded('222222222222', 'Globex', 3),
      succeeded('555555555555', 'Hooli', 2),
      succeeded('666666666666', 'Stark', 2),
      failed('333333333333', 'Initech', ACCESS_DENIED),
    ]);

    const report = buildRunReport(source, {
      details: {
        '111111111111': { changes: { previousRunId: 'run-0', added: 1, removed: 2, modified: 3, total: 9 } },
        '222222222222': { changes: { previousRunId: 'run-0', added: 0, removed: 1, modified: 1, total: 4 } },
        '555555555555': { changes: null },
        // A failed tenant's changes are never counted, even if something reported them.
        '333333333333': { changes: { previousRunId: 'run-0', added: 50, removed: 50, modified: 50, total: 150 } },
      },
    });

    expect(report.tenants.map((t) => t.changes.status)).toEqual(['compared', 'compared', 'first-snapshot', 'not-detected', 'not-detected']);
    expect(report.tenants[0].changes).toEqual({ status: 'compared', previousRunId: 'run-0', added: 1, removed: 2, modified: 3, total: 9 });
    expect(report.fleet.changes).toEqual({ tenantsCompared: 2, tenantsFirstSnapshot: 1, added: 1, removed: 3, modified: 4, total: 13 });
  });

  it('has no fleet changes when no tenant detected any', () => {
    expect(buildRunReport(summary([succeeded('111111111111', 'Acme', 1)])).fleet.changes).toBeNull();
  });

  it('sums tag coverage over the measured tenants and keeps per-key shares exact', () => {
    const source = summary([
      succeeded('111111111111', 'Acme', 4),
      succeeded('222222222222', 'Globex', 6),
      succeeded('555555555555', 'Hooli', 1),
    ]);

    const report = buildRunReport(source, {
      details: {
        '111111111111': { tagCoverage: coverage('111111111111', 4, { Owner: 3, Env: 4 }, ['a1']) },
        '222222222222': { tagCoverage: coverage('222222222222', 6, { Owner: 3, Env: 5 }, ['b1', 'b2', 'b3']) },
        '555555555555': { tagCoverage: coverage('555555555555', 0, { Owner: 0, Env: 0 }, []) },
      },
    });

    expect(report.fleet.tagCoverage).toEqual({
      requiredTags: ['Owner', 'Env'],
      tenantsMeasured: 3,
      activeAccounts: 10,
      fullyTagged: 6,
      accountsMissing: 4,
      fullyTaggedShare: 0.6,
      keys: [
        { key: 'Owner', present: 6, missing: 4, share: 0.6 },
        { key: 'Env', present: 9, missing: 1, share: 0.9 },
      ],
    });
  });

  it('has no fleet coverage when none was measured, and a null share with no ACTIVE account', () => {
    expect(buildRunReport(summary([succeeded('111111111111', 'Acme', 1)])).fleet.tagCoverage).toBeNull();

    const empty = buildRunReport(summary([succeeded('111111111111', 'Acme', 1)]), {
      details: { '111111111111': { tagCoverage: coverage('111111111111', 0, { Owner: 0 }, []) } },
    });
    expect(empty.fleet.tagCoverage?.fullyTaggedShare).toBeNull();
    expect(empty.fleet.tagCoverage?.keys[0].share).toBeNull();
  });

  it('lists at most the configured number of accounts missing tags per tenant, keeping the count', () => {
    const source = summary([succeeded('111111111111', 'Acme', 3)]);
    const details = { '111111111111': { tagCoverage: coverage('111111111111', 3, { Owner: 0 }, ['a1', 'a2', 'a3']) } };

    const report = buildRunReport(source, { details, maxAccountsMissingListed: 2 });

    expect(report.tenants[0].tagCoverage?.accountsMissingTags.map((a) => a.accountId)).toEqual(['a1', 'a2']);
    expect(report.tenants[0].tagCoverage?.accountsMissing).toBe(3);
    expect(report.fleet.tagCoverage?.accountsMissing).toBe(3);
  });

  it('shows no coverage for a failed tenant', () => {
    const source = summary([failed('333333333333', 'Initech', ACCESS_DENIED)]);

    const report = buildRunReport(source, { details: { '333333333333': { tagCoverage: coverage('333333333333', 1, { Owner: 1 }, []) } } });

    expect(report.tenants[0].tagCoverage).toBeNull();
    expect(report.fleet.tagCoverage).toBeNull();
  });
});

describe('countAccountStates', () => {
  it('counts accounts per state', () => {
    expect(countAccountStates([{ state: 'ACTIVE' }, { state: 'SUSPENDED' }, { state: 'ACTIVE' }])).toEqual({ ACTIVE: 2, SUSPENDED: 1 });
    expect(countAccountStates([])).toEqual({});
  });
});
