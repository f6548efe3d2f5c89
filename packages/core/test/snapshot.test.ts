import {
  ACCOUNTS_DATASET_COLUMNS,
  CHANGES_DATASET_COLUMNS,
  CHANGE_COLUMNS,
  DETAIL_COLUMNS,
  SNAPSHOT_FIXED_COLUMNS,
  snapshotFromReport,
  type AccountWithDetails,
  type TenantReport,
} from '../src';

function accountWith(id: string, extra: Partial<AccountWithDetails> = {}): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name: `name-${id}`,
    email: `${id}@acme.test`,
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: new Date('2020-01-02T03:04:05.006Z'),
    tags: new Map(),
    ouPath: '',
    ...extra,
  };
}

function report(accounts: AccountWithDetails[], tagKeys: string[] = []): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@acme.test',
    },
    accounts,
    tagKeys,
    collectedAt: new Date('2024-05-01T12:00:00.000Z'),
  };
}

describe('snapshotFromReport', () => {
  it('records the 15 fixed columns of each account as the CSV writes them', () => {
    const snapshot = snapshotFromReport(report([accountWith('222222222222', { ouPath: 'Root/Prod' })]), 'run-1');
    expect(snapshot.accounts[0]?.fields).toEqual({
      tenant_id: '111111111111',
      tenant_name: 'Acme',
      organization_id: 'o-abc',
      organization_arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      management_account_id: '111111111111',
      management_account_email: 'root@acme.test',
      account_id: '222222222222',
      account_arn: 'arn:aws:organizations::111111111111:account/o-abc/222222222222',
      account_name: 'name-222222222222',
      account_email: '222222222222@acme.test',
      account_state: 'ACTIVE',
      joined_method: 'CREATED',
      joined_timestamp: '2020-01-02T03:04:05.006Z',
      ou_path: 'Root/Prod',
      collected_at: '2024-05-01T12:00:00.000Z',
    });
    expect(snapshot).toMatchObject({ tenantId: '111111111111', runId: 'run-1', collectedAt: '2024-05-01T12:00:00.000Z' });
  });

  it('keeps every tag of every account, whatever tag columns the CSV has', () => {
    const tags = new Map([
      ['CostCenter', 'cc-1'],
      ['Owner', 'ann'],
    ]);
    const snapshot = snapshotFromReport(report([accountWith('222222222222', { tags })], ['Owner']), 'run-1');
    expect([...(snapshot.accounts[0]?.tags ?? [])]).toEqual([
      ['CostCenter', 'cc-1'],
      ['Owner', 'ann'],
    ]);
    expect(snapshot.recordedTagKeys).toBeUndefined();
  });

  it('leaves a missing joined timestamp empty', () => {
    const snapshot = snapshotFromReport(report([accountWith('222222222222', { joinedTimestamp: undefined })]), 'run-1');
    expect(snapshot.accounts[0]?.fields.joined_timestamp).toBe('');
  });

  it('sorts accounts by account_id', () => {
    const snapshot = snapshotFromReport(report([accountWith('333333333333'), accountWith('222222222222')]), 'run-1');
    expect(snapshot.accounts.map((a) => a.fields.account_id)).toEqual(['222222222222', '333333333333']);
    const ids = ['333333333333', '111111111111', '555555555555', '222222222222', '444444444444', '100000000000'];
    for (const order of [ids, [...ids].reverse(), [...ids].sort()]) {
      const sorted = snapshotFromReport(report(order.map((id) => accountWith(id))), 'run-1');
      expect(sorted.accounts.map((a) => a.fields.account_id)).toEqual([...ids].sort());
    }
  });

  it('has OU paths when the accounts have them, and not when they were not collected', () => {
    expect(snapshotFromReport(report([accountWith('222222222222', { ouPath: 'Root' })]), 'r').hasOuPaths).toBe(true);
    expect(snapshotFromReport(report([accountWith('222222222222')]), 'r').hasOuPaths).toBe(false);
    // A path on any account means paths were collected (an account outside every OU is still under Root).
    expect(snapshotFromReport(report([accountWith('222222222222'), accountWith('333333333333', { ouPath: 'Root' })]), 'r').hasOuPaths).toBe(
      true,
    );
    expect(snapshotFromReport(report([]), 'r', { hasOuPaths: true }).hasOuPaths).toBe(true);
  });

  it('records the detail columns it is given, by name and in order', () => {
    const snapshot = snapshotFromReport(report([accountWith('222222222222', { ouPath: 'Root/Prod' })]), 'run-1', {
      detailColumns: [
        { column: 'parent_id', value: () => 'ou-abcd-11111111' },
        { column: 'delegated_services', value: (a) => (a.id === '222222222222' ? 'sso.amazonaws.com' : '') },
      ],
    });
    expect(snapshot.detailColumns).toEqual(['parent_id', 'delegated_services']);
    expect([...(snapshot.accounts[0]?.details ?? [])]).toEqual([
      ['parent_id', 'ou-abcd-11111111'],
      ['delegated_services', 'sso.amazonaws.com'],
    ]);
  });

  it("records the report's own detail columns, empty for an account that has no value", () => {
    const withDetails = accountWith('222222222222', { details: new Map([['parent_id', 'ou-abcd-11111111']]) });
    const snapshot = snapshotFromReport({ ...report([withDetails, accountWith('333333333333')]), detailColumns: ['parent_id'] }, 'run-1');
    expect(snapshot.detailColumns).toEqual(['parent_id']);
    expect(snapshot.accounts.map((a) => [...a.details])).toEqual([[['parent_id', 'ou-abcd-11111111']], [['parent_id', '']]]);
  });

  it('has no detail columns unless told', () => {
    const snapshot = snapshotFromReport(report([accountWith('222222222222')]), 'run-1');
    expect(snapshot.detailColumns).toEqual([]);
    expect(snapshot.accounts[0]?.details.size).toBe(0);
  });
});

describe('dataset columns', () => {
  it('gives accounts.parquet the 15 fixed columns, every known detail column, tags and run_id, with their SQL types', () => {
    expect(ACCOUNTS_DATASET_COLUMNS.map((c) => `${c.name} ${c.type}`)).toEqual([
      ...SNAPSHOT_FIXED_COLUMNS.map((c) => `${c} ${c === 'joined_timestamp' || c === 'collected_at' ? 'timestamp' : 'string'}`),
      ...DETAIL_COLUMNS.map((c) => `${c} string`),
      'tags map<string,string>',
      'run_id string',
    ]);
  });

  it('gives changes.parquet the changes.csv columns, detected_at as a timestamp', () => {
    expect(CHANGES_DATASET_COLUMNS.filter((c) => c.type !== 'string').map((c) => c.name)).toEqual(['detected_at']);
    expect(CHANGES_DATASET_COLUMNS.map((c) => c.name)).toEqual([...CHANGE_COLUMNS]);
  });
});
