import type { AccountWithDetails, TenantReport } from '../src';
import { limitAccountsMissing, tagCoverage } from '../src';
import { coverageShare } from '../src/tag-coverage';

function account(id: string, state: string, tags: Record<string, string> = {}, name = `name-${id}`): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name,
    email: `${id}@example.com`,
    state,
    joinedMethod: 'CREATED',
    tags: new Map(Object.entries(tags)),
    ouPath: '',
  };
}

function report(accounts: AccountWithDetails[], tagKeys: string[] = []): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@acme.example',
    },
    accounts,
    tagKeys,
    collectedAt: new Date('2024-05-01T12:00:00.000Z'),
  };
}

describe('tagCoverage', () => {
  it('counts ACTIVE accounts carrying each required key, with shares, in the required order', () => {
    // Prepare
    const accounts = [
      account('333333333333', 'ACTIVE', { Owner: 'team-a', CostCenter: 'cc-1' }),
      account('222222222222', 'ACTIVE', { Owner: 'team-b' }),
      account('444444444444', 'ACTIVE', {}),
      account('555555555555', 'ACTIVE', { Owner: 'team-c', CostCenter: 'cc-2' }),
    ];

    // Act
    const coverage = tagCoverage(report(accounts), ['Owner', 'CostCenter']);

    // Assess
    expect(coverage).toEqual({
      tenantId: '111111111111',
      requiredTags: ['Owner', 'CostCenter'],
      activeAccounts: 4,
      fullyTagged: 2,
      keys: [
        { key: 'Owner', present: 3, missing: 1, share: 0.75 },
        { key: 'CostCenter', present: 2, missing: 2, share: 0.5 },
      ],
      accountsMissing: 2,
      accountsMissingTags: [
        { accountId: '222222222222', accountName: 'name-222222222222', missingKeys: ['CostCenter'] },
        { accountId: '444444444444', accountName: 'name-444444444444', missingKeys: ['Owner', 'CostCenter'] },
      ],
    });
  });

  it('ignores accounts that are not ACTIVE, tagged or not', () => {
    const accounts = [
      account('222222222222', 'ACTIVE', { Owner: 'team-a' }),
      account('333333333333', 'SUSPENDED', {}),
      account('444444444444', 'PENDING_CLOSURE', {}),
      account('555555555555', 'CLOSED', { Owner: 'team-z' }),
      account('666666666666', 'active', {}),
    ];

    const coverage = tagCoverage(report(accounts), ['Owner']);

    expect(coverage.activeAccounts).toBe(1);
    expect(coverage.keys).toEqual([{ key: 'Owner', present: 1, missing: 0, share: 1 }]);
    expect(coverage.accountsMissingTags).toEqual([]);
    expect(coverage.accountsMissing).toBe(0);
    expect(coverage.fullyTagged).toBe(1);
  });

  it('treats an empty or whitespace-only value as missing, and keeps a padded value', () => {
    const accounts = [
      account('222222222222', 'ACTIVE', { Owner: '' }),
      account('333333333333', 'ACTIVE', { Owner: ' \t\n\u00a0' }),
      account('444444444444', 'ACTIVE', { Owner: '  team-a  ' }),
    ];

    const coverage = tagCoverage(report(accounts), ['Owner']);

    expect(coverage.keys[0]).toEqual({ key: 'Owner', present: 1, missing: 2, share: 1 / 3 });
    expect(coverage.accountsMissingTags.map((a) => a.accountId)).toEqual(['222222222222', '333333333333']);
  });

  it('matches tag keys exactly (case-sensitive, as AWS tags are)', () => {
    const coverage = tagCoverage(report([account('222222222222', 'ACTIVE', { owner: 'team-a' })]), ['Owner']);

    expect(coverage.keys[0].present).toBe(0);
    expect(coverage.accountsMissingTags[0].missingKeys).toEqual(['Owner']);
  });

  it('reports a null share, not NaN or 100 %, when the tenant has no ACTIVE account', () => {
    const coverage = tagCoverage(report([account('222222222222', 'SUSPENDED', {})]), ['Owner', 'Env']);

    expect(coverage.activeAccounts).toBe(0);
    expect(coverage.keys).toEqual([
      { key: 'Owner', present: 0, missing: 0, share: null },
      { key: 'Env', present: 0, missing: 0, share: null },
    ]);
    expect(coverage.fullyTagged).toBe(0);
    expect(coverage.accountsMissingTags).toEqual([]);
    // The manifest is JSON: a null share survives the round trip, NaN would not.
    expect(JSON.parse(JSON.stringify(coverage)).keys[0].share).toBeNull();
  });

  it('keeps the required order for missing keys, whatever the tag map order', () => {
    const accounts = [account('222222222222', 'ACTIVE', { Zeta: 'z', Alpha: 'a' })];

    const coverage = tagCoverage(report(accounts), ['Zeta', 'Mid', 'Alpha', 'Beta']);

    expect(coverage.requiredTags).toEqual(['Zeta', 'Mid', 'Alpha', 'Beta']);
    expect(coverage.keys.map((k) => k.key)).toEqual(['Zeta', 'Mid', 'Alpha', 'Beta']);
    expect(coverage.accountsMissingTags[0].missingKeys).toEqual(['Mid', 'Beta']);
  });

  it("reads every tag of the account, not only the report's tag columns", () => {
    // --tag-keys left CostCenter out of the CSV, yet the account carries it.
    const accounts = [account('222222222222', 'ACTIVE', { Owner: 'team-a', CostCenter: 'cc-1' })];

    const coverage = tagCoverage(report(accounts, ['Owner']), ['CostCenter']);

    expect(coverage.keys[0]).toEqual({ key: 'CostCenter', present: 1, missing: 0, share: 1 });
  });

  it('drops duplicate and blank required keys, keeping the first position', () => {
    const coverage = tagCoverage(report([account('222222222222', 'ACTIVE', {})]), ['Owner', '', 'Env', 'Owner']);

    expect(coverage.requiredTags).toEqual(['Owner', 'Env']);
    expect(coverage.accountsMissingTags[0].missingKeys).toEqual(['Owner', 'Env']);
  });

  it('lists missing accounts sorted by account ID and leaves the report untouched', () => {
    const accounts = [account('999999999999', 'ACTIVE'), account('222222222222', 'ACTIVE'), account('555555555555', 'ACTIVE')];
    const input = report(accounts);

    const coverage = tagCoverage(input, ['Owner']);

    expect(coverage.accountsMissingTags.map((a) => a.accountId)).toEqual(['222222222222', '555555555555', '999999999999']);
    expect(input.accounts.map((a) => a.id)).toEqual(['999999999999', '222222222222', '555555555555']);
  });

  it('with no required keys, every ACTIVE account is fully tagged', () => {
    const coverage = tagCoverage(report([account('222222222222', 'ACTIVE')]), []);

    expect(coverage).toMatchObject({ activeAccounts: 1, fullyTagged: 1, keys: [], accountsMissing: 0, accountsMissingTags: [] });
  });
});

describe('limitAccountsMissing', () => {
  const coverage = tagCoverage(
    report([account('222222222222', 'ACTIVE'), account('333333333333', 'ACTIVE'), account('444444444444', 'ACTIVE')]),
    ['Owner'],
  );

  it('keeps the first accounts and the full count', () => {
    const limited = limitAccountsMissing(coverage, 2);

    expect(limited.accountsMissingTags.map((a) => a.accountId)).toEqual(['222222222222', '333333333333']);
    expect(limited.accountsMissing).toBe(3);
    expect(limited.keys).toEqual(coverage.keys);
  });

  it('returns the coverage as it is when the list is short enough', () => {
    expect(limitAccountsMissing(coverage, 3)).toBe(coverage);
    expect(limitAccountsMissing(coverage, 0).accountsMissingTags).toEqual([]);
  });
});

describe('coverageShare', () => {
  it('divides, or gives null for nothing to measure', () => {
    expect(coverageShare(1, 4)).toBe(0.25);
    expect(coverageShare(0, 0)).toBeNull();
  });
});
