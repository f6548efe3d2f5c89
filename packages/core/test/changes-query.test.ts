import { findChanges, readRunManifest, renderSnapshotPointer, type Change, type ObjectLister } from '../src';
import { daysBetween, runIdDate } from '../src/changes-query';
import type { ObjectReader } from '../src/snapshot-ports';

// `orgmeta changes` reads these objects; keys are spelt out as the S3 layout documents them.
const A = '111111111111';
const B = '222222222222';
const RUN_1 = '20240501T120000Z-aaaaaa';
const RUN_2 = '20240502T080000Z-bbbbbb';

function change(tenant: string, runId: string, account: string, kind: string, field = ''): Change {
  return {
    tenant_id: tenant,
    account_id: account,
    account_name: `name ${account}`,
    change: kind,
    field,
    before: '',
    after: '',
    previous_run_id: '',
    run_id: runId,
    detected_at: `${runIdDate(runId)?.toISOString().slice(0, 10)}T12:00:00.000Z`,
  } as Change;
}

/** Objects in memory; changes files hold JSON, parsed by the test's parser. */
class MemoryStore implements ObjectReader, ObjectLister {
  readonly objects = new Map<string, string>();
  readonly listed: string[] = [];
  put(key: string, body: unknown): this {
    this.objects.set(key, typeof body === 'string' ? body : JSON.stringify(body));
    return this;
  }
  async readObject(key: string) {
    const body = this.objects.get(key);
    return body === undefined ? undefined : new TextEncoder().encode(body);
  }
  async listKeys(prefix: string) {
    this.listed.push(prefix);
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix));
  }
}

const parse = (text: string) => JSON.parse(text) as Change[];

function pointer(tenantId: string, runId: string, day: string): string {
  return renderSnapshotPointer({
    version: 1,
    tenantId,
    runId,
    collectedAt: `${day}T12:00:00.000Z`,
    formats: ['csv'],
    keys: { csv: `inv/dt=${day}/tenant_id=${tenantId}/accounts.csv` },
  });
}

describe('orgmeta changes: the latest run of each tenant', () => {
  it("reads the changes file beside each tenant's latest snapshot, keeping that run's rows, sorted", async () => {
    const store = new MemoryStore()
      .put(`inv/_latest/tenant_id=${B}.json`, pointer(B, RUN_2, '2024-05-02'))
      .put(`inv/_latest/tenant_id=${A}.json`, pointer(A, RUN_1, '2024-05-01'))
      .put(`inv/dt=2024-05-02/tenant_id=${B}/changes.csv`, [
        change(B, RUN_2, '999999999999', 'renamed', 'name'),
        change(B, RUN_2, '333333333333', 'account_added'),
      ])
      .put(`inv/dt=2024-05-01/tenant_id=${A}/changes.csv`, [
        change(A, RUN_1, '444444444444', 'tag_added', 'b'),
        change(A, RUN_1, '444444444444', 'tag_added', 'a'),
      ]);

    const found = await findChanges(store, 'inv/', { kind: 'latest' }, [], parse);

    expect(found.changes.map((c) => [c.tenant_id, c.account_id, c.change, c.field])).toEqual([
      [A, '444444444444', 'tag_added', 'a'],
      [A, '444444444444', 'tag_added', 'b'],
      [B, '333333333333', 'account_added', ''],
      [B, '999999999999', 'renamed', 'name'],
    ]);
    expect([...found.sources].sort()).toEqual([
      `inv/dt=2024-05-01/tenant_id=${A}/changes.csv`,
      `inv/dt=2024-05-02/tenant_id=${B}/changes.csv`,
    ]);
    expect(found.warnings).toEqual([]);
    // Only the pointers are listed, never the dated partitions.
    expect(store.listed).toEqual(['inv/_latest/']);
  });

  it('reads only the pointers of the tenants asked for, and says which have no snapshot or a bad pointer', async () => {
    const store = new MemoryStore()
      .put(`inv/_latest/tenant_id=${A}.json`, pointer(A, RUN_1, '2024-05-01'))
      .put(`inv/_latest/tenant_id=${B}.json`, '{"version": 1}')
      .put(`inv/dt=2024-05-01/tenant_id=${A}/changes.csv`, [change(A, RUN_1, '444444444444', 'renamed')]);

    const found = await findChanges(store, 'inv/', { kind: 'latest' }, [A, B, '555555555555'], parse);

    expect(found.changes).toHaveLength(1);
    expect(store.listed).toEqual([]);
    expect(found.warnings).toEqual([
      expect.stringMatching(new RegExp(`^Tenant ${B}: the snapshot pointer is ignored: .+`)),
      'Tenant 555555555555: no snapshot yet (no pointer inv/_latest/tenant_id=555555555555.json)',
    ]);
  });

  it('warns when a later run of the same day replaced the rows of the run the pointer names', async () => {
    const store = new MemoryStore()
      .put(`inv/_latest/tenant_id=${A}.json`, pointer(A, RUN_1, '2024-05-01'))
      .put(`inv/dt=2024-05-01/tenant_id=${A}/changes.csv`, [
        change(A, RUN_1, '444444444444', 'renamed'),
        change(A, '20240501T180000Z-cccccc', '444444444444', 'state_changed'),
      ]);

    const found = await findChanges(store, 'inv/', { kind: 'latest' }, [], parse);

    expect(found.changes.map((c) => c.change)).toEqual(['renamed']);
    expect(found.warnings).toEqual([
      `inv/dt=2024-05-01/tenant_id=${A}/changes.csv now holds a later run of the same day; its rows of run ${RUN_1} were replaced`,
    ]);
  });

  it('skips a tenant whose first snapshot has no changes file', async () => {
    const store = new MemoryStore().put(`inv/_latest/tenant_id=${A}.json`, pointer(A, RUN_1, '2024-05-01'));

    const found = await findChanges(store, 'inv/', { kind: 'latest' }, [], parse);

    expect(found).toEqual({ changes: [], sources: [], warnings: [] });
  });
});

describe('orgmeta changes --run-id', () => {
  const summary = {
    tenants: [
      { tenantId: A, status: 'succeeded', changes: 2 },
      { tenantId: B, status: 'failed' },
      { tenantId: '333333333333', status: 'succeeded', changes: 0 },
      { tenantId: '444444444444', status: 'succeeded', changes: 1 },
    ],
  };
  const store = () =>
    new MemoryStore()
      .put(`inv/dt=2024-05-02/_manifests/${RUN_2}.json`, summary)
      .put(`inv/dt=2024-05-02/tenant_id=${A}/changes.csv`, [change(A, RUN_2, '1', 'renamed'), change(A, RUN_2, '2', 'renamed')])
      .put(`inv/dt=2024-05-02/tenant_id=444444444444/changes.csv`, [change('444444444444', RUN_2, '3', 'moved')])
      .put(`inv/dt=2024-05-02/tenant_id=${B}/changes.csv`, [change(B, RUN_2, '9', 'renamed')]);

  it("reads the changes of the run's succeeded tenants that found any, from its day's partition", async () => {
    const found = await findChanges(store(), 'inv/', { kind: 'run', runId: RUN_2 }, [], parse);

    expect(found.sources).toEqual([`inv/dt=2024-05-02/tenant_id=${A}/changes.csv`, 'inv/dt=2024-05-02/tenant_id=444444444444/changes.csv']);
    expect(found.changes.map((c) => c.account_id)).toEqual(['1', '2', '3']);
  });

  it('narrows the run to the tenants asked for', async () => {
    const found = await findChanges(store(), 'inv/', { kind: 'run', runId: RUN_2 }, ['444444444444'], parse);

    expect(found.changes.map((c) => c.tenant_id)).toEqual(['444444444444']);
  });

  it('refuses what is not a run ID, and a run without a manifest, naming the manifest it looked for', async () => {
    await expect(findChanges(store(), 'inv/', { kind: 'run', runId: 'yesterday' }, [], parse)).rejects.toThrow(
      '"yesterday" is not a run ID (e.g. 20240501T120000Z-a1b2c3)',
    );
    await expect(readRunManifest(store(), 'inv/', RUN_1)).rejects.toThrow(
      `No run ${RUN_1}: its manifest inv/dt=2024-05-01/_manifests/${RUN_1}.json does not exist`,
    );
    const manifest = await readRunManifest(store(), 'inv/', RUN_2);
    expect(manifest.key).toBe(`inv/dt=2024-05-02/_manifests/${RUN_2}.json`);
    expect(manifest.date.toISOString()).toBe('2024-05-02T00:00:00.000Z');
  });
});

describe('orgmeta changes --since', () => {
  it('lists only the days asked for, and reads every changes file there, of the tenants asked for', async () => {
    const store = new MemoryStore()
      .put(`inv/dt=2024-04-30/tenant_id=${A}/changes.csv`, [change(A, RUN_1, '0', 'renamed')])
      .put(`inv/dt=2024-05-01/tenant_id=${A}/changes.csv`, [change(A, RUN_1, '1', 'renamed')])
      .put(`inv/dt=2024-05-01/tenant_id=${A}/accounts.csv`, 'not changes')
      .put(`inv/dt=2024-05-02/tenant_id=${B}/changes.csv`, [change(B, RUN_2, '2', 'renamed')])
      .put(`inv/dt=2024-05-02/tenant_id=${A}/changes.csv`, [change(A, RUN_2, '3', 'renamed')]);

    const all = await findChanges(store, 'inv/', { kind: 'since', since: '2024-05-01', until: '2024-05-02' }, [], parse);
    const onlyB = await findChanges(store, 'inv/', { kind: 'since', since: '2024-05-01', until: '2024-05-02' }, [B], parse);

    expect(store.listed).toEqual(['inv/dt=2024-05-01/', 'inv/dt=2024-05-02/', 'inv/dt=2024-05-01/', 'inv/dt=2024-05-02/']);
    expect(all.changes.map((c) => c.account_id)).toEqual(['1', '3', '2']);
    expect(onlyB.sources).toEqual([`inv/dt=2024-05-02/tenant_id=${B}/changes.csv`]);
    expect(onlyB.changes.map((c) => c.account_id)).toEqual(['2']);
  });

  it('refuses a bad date or a range over a year, saying how to fix it', async () => {
    await expect(
      findChanges(new MemoryStore(), 'inv/', { kind: 'since', since: '2024-13-01', until: '2024-12-31' }, [], parse),
    ).rejects.toThrow('"2024-13-01" is not a date (YYYY-MM-DD)');
    expect(daysBetween('2024/05/01', '2024-05-02')).toEqual({ error: '"2024/05/01" is not a date (YYYY-MM-DD)' });
    expect(daysBetween('x2024-05-01', '2024-05-02')).toEqual({ error: '"x2024-05-01" is not a date (YYYY-MM-DD)' });
    expect(daysBetween('2024-05-01x', '2024-05-02')).toEqual({ error: '"2024-05-01x" is not a date (YYYY-MM-DD)' });
    expect(daysBetween('2023-01-01', '2024-12-31')).toEqual({ error: '--since covers more than 366 days; choose a later date' });
  });

  it('counts the days inclusively, across months, a leap day and up to a full leap year', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysBetween('2024-05-02', '2024-05-01')).toEqual([]);
    const leapYear = daysBetween('2024-01-01', '2024-12-31');
    expect(Array.isArray(leapYear) && leapYear.length).toBe(366);
    expect(daysBetween('2024-01-01', '2025-01-01')).toEqual({ error: '--since covers more than 366 days; choose a later date' });
  });
});

describe('runIdDate', () => {
  it('reads the UTC day a run started from its ID, and nothing from anything else', () => {
    expect(runIdDate(RUN_2)?.toISOString()).toBe('2024-05-02T00:00:00.000Z');
    expect(runIdDate('20240502T080000Z-')).toBeUndefined();
    expect(runIdDate('x20240502T080000Z-bbbbbb')).toBeUndefined();
    expect(runIdDate('20240502T080000Z-bbbbbbX')).toBeUndefined();
    expect(runIdDate('20241302T080000Z-bbbbbb')).toBeUndefined();
  });
});
