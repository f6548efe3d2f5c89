import { summarizeRun, type Account, type TenantResult } from '../src';
import { NO_DETAILS } from '../src/account-details';
import { buildReport } from '../src/pipeline';

function result(tenantId: string, status: 'succeeded' | 'failed', accounts: number): TenantResult {
  return { tenantId, tenantName: `t-${tenantId}`, status, accounts, durationMs: 1 };
}

function account(id: string): Account {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name: `n-${id}`,
    email: `${id}@x.test`,
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
  };
}

const ORGANIZATION = { id: 'o-abc', arn: 'arn:o', managementAccountId: '111111111111', managementAccountEmail: 'root@x.test' };
const TENANT = { tenantId: '111111111111', tenantName: 'Acme' };

describe('summarizeRun', () => {
  it('sorts tenants by ID, counts successes and failures, and adds up the accounts of successful tenants only', () => {
    const summary = summarizeRun(
      { runId: '20240501T120000Z-abcdef', startedAt: new Date('2024-05-01T12:00:00.000Z') },
      [result('333333333333', 'succeeded', 5), result('111111111111', 'failed', 7), result('222222222222', 'succeeded', 2)],
      [{ key: 'pk=x', reason: 'bad' }],
      new Date('2024-05-01T12:01:02.345Z'),
    );
    expect(summary).toEqual({
      runId: '20240501T120000Z-abcdef',
      startedAt: '2024-05-01T12:00:00.000Z',
      finishedAt: '2024-05-01T12:01:02.345Z',
      tenants: [result('111111111111', 'failed', 7), result('222222222222', 'succeeded', 2), result('333333333333', 'succeeded', 5)],
      invalidRecords: [{ key: 'pk=x', reason: 'bad' }],
      totals: { tenants: 3, succeeded: 2, failed: 1, accounts: 7 },
    });
  });

  it('counts nothing for a run without tenants', () => {
    const summary = summarizeRun({ runId: 'r', startedAt: new Date(0) }, [], [], new Date(0));
    expect(summary.totals).toEqual({ tenants: 0, succeeded: 0, failed: 0, accounts: 0 });
  });
});

describe('buildReport', () => {
  it('keeps one row per account ID, sorted, with its tags and OU path (empty when unknown)', () => {
    const tags = new Map([['222222222222', new Map([['Owner', 'a']])]]);
    const report = buildReport(
      TENANT,
      ORGANIZATION,
      [account('333333333333'), account('222222222222'), account('333333333333')],
      tags,
      { ...NO_DETAILS, ouPaths: new Map([['333333333333', 'Root/Prod']]) },
      undefined,
      new Date('2024-05-01T12:00:00.000Z'),
    );
    expect(report.accounts.map((a) => [a.id, [...a.tags.entries()], a.ouPath])).toEqual([
      ['222222222222', [['Owner', 'a']], ''],
      ['333333333333', [], 'Root/Prod'],
    ]);
    expect(report.tenant).toBe(TENANT);
    expect(report.organization).toBe(ORGANIZATION);
    expect(report.collectedAt.toISOString()).toBe('2024-05-01T12:00:00.000Z');
  });

  it('uses every tag key found, once each, in ordinal order, unless the keys are fixed', () => {
    const tags = new Map([
      [
        '222222222222',
        new Map([
          ['b', '1'],
          ['B', '2'],
        ]),
      ],
      [
        '333333333333',
        new Map([
          ['a', '3'],
          ['b', '4'],
        ]),
      ],
    ]);
    const accounts = [account('222222222222'), account('333333333333')];
    const at = new Date(0);
    expect(buildReport(TENANT, ORGANIZATION, accounts, tags, NO_DETAILS, undefined, at).tagKeys).toEqual(['B', 'a', 'b']);
    expect(buildReport(TENANT, ORGANIZATION, accounts, tags, NO_DETAILS, ['Owner'], at).tagKeys).toEqual(['Owner']);
  });
});
