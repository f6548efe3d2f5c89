import { diffSnapshots, loadPreviousSnapshot, renderSnapshotPointer, snapshotPointerKey, type ObjectReader } from '@orgmeta/core';
import { readAccountsParquet, writeAccountsParquet } from '../src';
import { snapshotOf } from './fixtures';

/** The Parquet reader as the pipeline will wire it: behind core's pointer and loadPreviousSnapshot. */
describe('a Parquet snapshot as the next run’s baseline', () => {
  it('is found through the pointer, read back with every tag, and diffed', async () => {
    // Prepare: yesterday's run wrote accounts.parquet and moved the pointer.
    const yesterday = snapshotOf({
      runId: 'run-1',
      collectedAt: '2024-04-30T12:00:00.000Z',
      accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-1', Owner: 'ann' } }],
    });
    const parquetKey = 'org-accounts/dt=2024-04-30/tenant_id=111111111111/accounts.parquet';
    const objects = new Map<string, Uint8Array>([
      [parquetKey, writeAccountsParquet(yesterday)],
      [
        snapshotPointerKey('org-accounts/', '111111111111'),
        new TextEncoder().encode(
          renderSnapshotPointer({
            version: 1,
            tenantId: '111111111111',
            runId: 'run-1',
            collectedAt: yesterday.collectedAt,
            formats: ['csv', 'parquet'],
            keys: { csv: parquetKey.replace('.parquet', '.csv'), parquet: parquetKey },
            csvTagKeys: ['Owner'],
          }),
        ),
      ],
    ]);
    const store: ObjectReader = { readObject: async (key) => objects.get(key) };
    const today = snapshotOf({ runId: 'run-2', accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-2', Owner: 'ann' } }] });
    // Act
    const { snapshot, warnings } = await loadPreviousSnapshot(store, 'org-accounts/', '111111111111', {
      parquet: readAccountsParquet,
      csv: () => {
        throw new Error('the CSV must not be read when the Parquet snapshot is there');
      },
    });
    // Assess: CostCenter was not a CSV column, but the Parquet map has every tag.
    expect(warnings).toEqual([]);
    expect(snapshot && diffSnapshots(snapshot, today).map((c) => [c.change, c.field, c.before, c.after, c.previous_run_id])).toEqual([
      ['tag_changed', 'tag:CostCenter', 'cc-1', 'cc-2', 'run-1'],
    ]);
  });
});
