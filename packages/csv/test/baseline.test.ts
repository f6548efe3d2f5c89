import {
  diffSnapshots,
  loadPreviousSnapshot,
  renderSnapshotPointer,
  snapshotFromReport,
  snapshotPointerKey,
  type TenantReport,
} from '@orgmeta/core';
import { renderAccountsCsv, snapshotFromCsv } from '../src';

function report(tags: Record<string, string>, tagKeys: string[], collectedAt: string): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: { id: 'o-abc', arn: 'arn:o', managementAccountId: '111111111111', managementAccountEmail: 'root@acme.test' },
    accounts: [
      {
        id: '222222222222',
        arn: 'arn:a',
        name: '=Dev',
        email: 'dev@acme.test',
        state: 'ACTIVE',
        joinedMethod: 'CREATED',
        tags: new Map(Object.entries(tags)),
        ouPath: '',
      },
    ],
    tagKeys,
    collectedAt: new Date(collectedAt),
  };
}

/** The CSV reader as the pipeline will wire it when a run wrote no Parquet. */
describe('a CSV-only snapshot as the next run’s baseline', () => {
  it('is found through the pointer and compared on the tags it recorded', async () => {
    // Prepare: yesterday's run wrote only accounts.csv, with --tag-keys Owner.
    const csvKey = 'org-accounts/dt=2024-04-30/tenant_id=111111111111/accounts.csv';
    const yesterday = report({ Owner: 'ann', CostCenter: 'cc-1' }, ['Owner'], '2024-04-30T12:00:00.000Z');
    const objects = new Map<string, string>([
      [csvKey, renderAccountsCsv(yesterday, { escapeFormulas: true })],
      [
        snapshotPointerKey('org-accounts/', '111111111111'),
        renderSnapshotPointer({
          version: 1,
          tenantId: '111111111111',
          runId: 'run-1',
          collectedAt: '2024-04-30T12:00:00.000Z',
          formats: ['csv'],
          keys: { csv: csvKey },
          csvTagKeys: ['Owner'],
        }),
      ],
    ]);
    const store = { readObject: async (key: string) => (objects.has(key) ? new TextEncoder().encode(objects.get(key)) : undefined) };
    const today = snapshotFromReport(report({ Owner: 'bob', CostCenter: 'cc-2' }, ['Owner'], '2024-05-01T12:00:00.000Z'), 'run-2');
    // Act
    const { snapshot, warnings } = await loadPreviousSnapshot(store, 'org-accounts/', '111111111111', { csv: snapshotFromCsv });
    // Assess: the escaped name reads back as it was; CostCenter was never recorded, so it is not compared.
    expect(warnings).toEqual([]);
    expect(snapshot?.accounts[0]?.fields.account_name).toBe('=Dev');
    expect(snapshot && diffSnapshots(snapshot, today).map((c) => [c.change, c.field, c.before, c.after])).toEqual([
      ['tag_changed', 'tag:Owner', 'ann', 'bob'],
    ]);
  });
});
