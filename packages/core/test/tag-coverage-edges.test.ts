import type { AccountWithDetails, TagCoverage, TenantReport } from '../src';
import { limitAccountsMissing, tagCoverage } from '../src';
import { COVERAGE_ACCOUNT_STATE, coverageShare } from '../src/tag-coverage';

function account(id: string, state: string, tags: Record<string, string> = {}): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name: `name-${id}`,
    email: `${id}@example.com`,
    state,
    joinedMethod: 'CREATED',
    tags: new Map(Object.entries(tags)),
    ouPath: '',
  };
}

function report(accounts: AccountWithDetails[]): TenantReport {
  return {
    tenant: { tenantId: '999999999999', tenantName: 'Acme' },
    organization: { id: 'o-abc', arn: 'arn:o', managementAccountId: '999999999999', managementAccountEmail: 'root@acme.example' },
    accounts,
    tagKeys: [],
    collectedAt: new Date('2024-05-01T12:00:00.000Z'),
  };
}

describe('tagCoverage edges', () => {
  it('counts only ACTIVE accounts', () => {
    expect(COVERAGE_ACCOUNT_STATE).toBe('ACTIVE');
    const coverage = tagCoverage(
      report([account('111111111111', 'SUSPENDED'), account('222222222222', 'PENDING_CLOSURE'), account('333333333333', 'ACTIVE')]),
      ['Owner'],
    );
    expect(coverage.activeAccounts).toBe(1);
    expect(coverage.accountsMissingTags.map((a) => a.accountId)).toEqual(['333333333333']);
  });

  it('treats an empty or whitespace-only value as missing, and any other value as present', () => {
    const coverage = tagCoverage(
      report([
        account('111111111111', 'ACTIVE', { Owner: '' }),
        account('222222222222', 'ACTIVE', { Owner: ' \t ' }),
        account('333333333333', 'ACTIVE', { Owner: ' x ' }),
      ]),
      ['Owner'],
    );
    expect(coverage.keys).toEqual([{ key: 'Owner', present: 1, missing: 2, share: 1 / 3 }]);
    expect(coverage.fullyTagged).toBe(1);
    expect(coverage.accountsMissing).toBe(2);
  });

  it('lists accounts missing tags sorted by account ID whatever the report order, each with its missing keys in required order', () => {
    const coverage = tagCoverage(
      report([
        account('333333333333', 'ACTIVE', { B: 'b' }),
        account('111111111111', 'ACTIVE', {}),
        account('222222222222', 'ACTIVE', { A: 'a', B: 'b' }),
        account('111111111111', 'ACTIVE', { A: 'a' }),
      ]),
      ['B', 'A'],
    );
    expect(coverage.accountsMissingTags).toEqual([
      { accountId: '111111111111', accountName: 'name-111111111111', missingKeys: ['B', 'A'] },
      { accountId: '111111111111', accountName: 'name-111111111111', missingKeys: ['B'] },
      { accountId: '333333333333', accountName: 'name-333333333333', missingKeys: ['A'] },
    ]);
  });

  it('sorts a large organization by account ID (past the small-array path of the engine sort)', () => {
    // A fixed permutation of 200 IDs: 7 is coprime with 200, so i * 7 % 200 visits each once.
    const ids = Array.from({ length: 200 }, (_, i) => String(100_000_000_000 + ((i * 7) % 200)));
    const coverage = tagCoverage(report(ids.map((id) => account(id, 'ACTIVE'))), ['A']);
    expect(coverage.accountsMissingTags.map((a) => a.accountId)).toEqual([...ids].sort());
  });

  it('drops duplicate and empty required keys, keeping the first order', () => {
    const coverage = tagCoverage(report([account('111111111111', 'ACTIVE', { A: 'a' })]), ['B', '', 'A', 'B']);
    expect(coverage.requiredTags).toEqual(['B', 'A']);
    expect(coverage.keys.map((k) => k.key)).toEqual(['B', 'A']);
  });

  it('measures nothing (share null) without an ACTIVE account', () => {
    const coverage = tagCoverage(report([account('111111111111', 'SUSPENDED', { A: 'a' })]), ['A']);
    expect(coverage).toEqual({
      tenantId: '999999999999',
      requiredTags: ['A'],
      activeAccounts: 0,
      fullyTagged: 0,
      keys: [{ key: 'A', present: 0, missing: 0, share: null }],
      accountsMissing: 0,
      accountsMissingTags: [],
    });
    expect(coverageShare(0, 0)).toBeNull();
    expect(coverageShare(0, 4)).toBe(0);
    expect(coverageShare(3, 4)).toBe(0.75);
  });
});

describe('limitAccountsMissing edges', () => {
  const coverage: TagCoverage = tagCoverage(
    report([account('111111111111', 'ACTIVE'), account('222222222222', 'ACTIVE'), account('333333333333', 'ACTIVE')]),
    ['A'],
  );

  it('returns the same coverage when the list already fits, including exactly at the limit', () => {
    expect(limitAccountsMissing(coverage, 3)).toBe(coverage);
    expect(limitAccountsMissing(coverage, 10)).toBe(coverage);
  });

  it('keeps the first accounts and the full count when cut, and none for a negative limit', () => {
    const cut = limitAccountsMissing(coverage, 2);
    expect(cut.accountsMissingTags.map((a) => a.accountId)).toEqual(['111111111111', '222222222222']);
    expect(cut.accountsMissing).toBe(3);
    expect(limitAccountsMissing(coverage, 0).accountsMissingTags).toEqual([]);
    expect(limitAccountsMissing(coverage, -1).accountsMissingTags).toEqual([]);
  });
});
