import {
  collectRun,
  resolveCollectConfig,
  type Change,
  type ChangeEvent,
  type ChangeEventSink,
  type CsvOutputs,
  type ObjectReader,
  type OutputDependencies,
  type PipelineDependencies,
  type Snapshot,
  type SnapshotFormatWriter,
} from '../src';
import {
  FakeOrganizationAccess,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
  textOf,
} from './fakes';

const START = new Date('2024-05-01T12:00:00.000Z');
const TENANT = '111111111111';
const DIR = `org-accounts/dt=2024-05-01/tenant_id=${TENANT}`;
const POINTER = `org-accounts/_latest/tenant_id=${TENANT}.json`;

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

/** Renderers that write what they were given as JSON, so tests read it back without the format packages. */
const csv: CsvOutputs = {
  renderChanges: (changes) => JSON.stringify(changes),
  renderTagCoverage: (coverage) => JSON.stringify(coverage.accountsMissingTags),
  readSnapshot: () => {
    throw new Error('no CSV baseline in these tests');
  },
};
const jsonFormat: SnapshotFormatWriter = {
  format: 'parquet',
  contentType: 'application/vnd.apache.parquet',
  renderAccounts: (snapshot) => new TextEncoder().encode(JSON.stringify({ ...snapshot, accounts: snapshot.accounts.map(plain) })),
  renderChanges: (changes) => new TextEncoder().encode(JSON.stringify(changes)),
  readSnapshot: (bytes) => revive(JSON.parse(new TextDecoder().decode(bytes))),
};

function plain(a: Snapshot['accounts'][number]) {
  return { fields: a.fields, details: Object.fromEntries(a.details), tags: Object.fromEntries(a.tags) };
}
function revive(json: Snapshot & { accounts: ReturnType<typeof plain>[] }): Snapshot {
  return {
    ...json,
    accounts: json.accounts.map((a) => ({
      fields: a.fields,
      details: new Map(Object.entries(a.details)),
      tags: new Map(Object.entries(a.tags)),
    })),
  };
}

/** Reads back what the memory sink holds, as the next run's baseline. */
function readerOf(sink: MemorySink): ObjectReader {
  return {
    readObject: async (key) => {
      const object = sink.objects.get(key);
      if (!object) return undefined;
      return typeof object.body === 'string' ? new TextEncoder().encode(object.body) : object.body;
    },
  };
}

class RecordingEvents implements ChangeEventSink {
  readonly published: ChangeEvent[] = [];
  constructor(private readonly error?: string) {}
  async publish(events: readonly ChangeEvent[]) {
    if (this.error) return { sent: 0, error: this.error };
    this.published.push(...events);
    return { sent: events.length };
  }
}

/** A sink a query engine reads, like S3: it names each object by a URI for the SQL tables' manifests. */
class QueryableSink extends MemorySink {
  objectUri(key: string): string {
    return `s3://reports/${key}`;
  }
}

function world(options: { tags?: Record<string, { key: string; value: string }[]>; events?: ChangeEventSink; queryable?: boolean } = {}) {
  const writes: string[] = [];
  const s3 = options.queryable ? new QueryableSink('s3', undefined, writes) : new MemorySink('s3', undefined, writes);
  const outputs: OutputDependencies = {
    csv,
    formats: [jsonFormat],
    baseline: readerOf(s3),
    renderRunReport: (model) => `<html>${model.runId} ${model.fleet.accounts}</html>`,
    ...(options.events ? { events: options.events } : {}),
  };
  const deps: PipelineDependencies = {
    tenantSource: new StaticTenantSource([activeTenant(TENANT)]),
    organizations: new FakeOrganizationAccess({
      [TENANT]: {
        organization: organization(TENANT),
        accountPages: [[account('200000000001'), account('200000000002'), account(TENANT)]],
        tags: options.tags ?? { '200000000001': [{ key: 'Owner', value: 'ops' }] },
      },
    }),
    render: () => 'accounts-csv',
    outputs,
    sinks: [s3],
    logger: new RecordingLogger(),
    region: 'us-east-1',
    surface: 'cli',
    clock: () => START,
  };
  return { deps, s3, writes };
}

describe('tenant outputs', () => {
  it('writes accounts.csv first, then the Parquet snapshot, and the pointer last; no changes file on a first run', async () => {
    // Prepare
    const { deps, writes, s3 } = world();
    // Act
    const { summary } = await collectRun(config(), deps);
    // Assess
    expect(writes.filter((w) => !w.includes('_manifests') && !w.includes('_reports'))).toEqual([
      `memory-s3:${DIR}/accounts.csv`,
      `memory-s3:${DIR}/accounts.parquet`,
      `memory-s3:${POINTER}`,
    ]);
    expect(s3.objects.get(POINTER)).toMatchObject({ contentType: 'application/json', metadata: { 'run-id': summary.runId } });
    expect(summary.tenants[0]?.changes).toBeNull();
    expect(summary.tenants[0]?.accountStates).toEqual({ ACTIVE: 3 });
    expect(summary.totals.changes).toBe(0);
  });

  it('writes only accounts.csv and the manifest with --formats csv --no-changes --no-html-report', async () => {
    const { deps, writes } = world();
    await collectRun(config({ formats: 'csv', changes: false, 'html-report': false }), deps);
    expect(writes).toEqual([`memory-s3:${DIR}/accounts.csv`, expect.stringMatching(/_manifests\//)]);
  });

  it('diffs against the snapshot the pointer names, writes changes in every format, counts them and publishes one event per row', async () => {
    // Prepare: a first run, then Owner changes on one account.
    const events = new RecordingEvents();
    const first = world({ events });
    const run1 = await collectRun(config(), first.deps);
    const second = world({ events, tags: { '200000000001': [{ key: 'Owner', value: 'dev' }] } });
    second.s3.objects.clear();
    first.s3.objects.forEach((object, key) => second.s3.objects.set(key, object));
    // Act
    const { summary } = await collectRun(config(), second.deps);
    // Assess
    expect(summary.tenants[0]?.changes).toEqual({ previousRunId: run1.summary.runId, added: 0, removed: 0, modified: 1, total: 1 });
    const changes: Change[] = JSON.parse(textOf(second.s3.objects.get(`${DIR}/changes.csv`)));
    expect(changes).toEqual([expect.objectContaining({ account_id: '200000000001', change: 'tag_changed', before: 'ops', after: 'dev' })]);
    expect(JSON.parse(textOf(second.s3.objects.get(`${DIR}/changes.parquet`)))).toEqual(changes);
    expect(events.published.map((e) => e.detail.change)).toEqual(['tag_changed']);
    expect(JSON.parse(textOf(second.s3.objects.get(POINTER))).runId).toBe(summary.runId);
  });

  it('moves an unsent events error to the top of the summary; the tenant still succeeds', async () => {
    const first = world();
    await collectRun(config(), first.deps);
    const second = world({ events: new RecordingEvents('bus gone'), tags: {} });
    first.s3.objects.forEach((object, key) => second.s3.objects.set(key, object));
    const { summary } = await collectRun(config(), second.deps);
    expect(summary.tenants[0]?.status).toBe('succeeded');
    expect(summary.tenants[0]).not.toHaveProperty('eventsError');
    expect(summary.eventsError).toBe('bus gone');
  });

  it('measures required tags and writes tag-coverage.csv beside accounts.csv', async () => {
    const { deps, s3 } = world();
    const { summary } = await collectRun(config({ 'required-tags': 'Owner' }), deps);
    expect(summary.tenants[0]?.tagCoverage).toMatchObject({
      requiredTags: ['Owner'],
      activeAccounts: 3,
      fullyTagged: 1,
      accountsMissing: 2,
    });
    expect(JSON.parse(textOf(s3.objects.get(`${DIR}/tag-coverage.csv`))).map((a: { accountId: string }) => a.accountId)).toEqual([
      '111111111111',
      '200000000002',
    ]);
  });

  it('writes the run report beside the manifest, unless --no-html-report', async () => {
    const { deps, s3 } = world();
    const { summary, report } = await collectRun(config(), deps);
    const key = `org-accounts/dt=2024-05-01/_reports/${summary.runId}.html`;
    expect(report?.s3Key).toBe(`mem://${key}`);
    expect(textOf(s3.objects.get(key))).toBe(`<html>${summary.runId} 3</html>`);
    const off = world();
    expect((await collectRun(config({ 'html-report': false }), off.deps)).report).toBeUndefined();
  });

  it('moves nothing for a tenant whose Parquet write fails: accounts.csv went, the pointer did not', async () => {
    // Prepare: a sink that refuses only .parquet objects.
    const { deps, s3 } = world();
    const refusing = Object.assign(Object.create(s3) as MemorySink, {
      write: (report: Parameters<MemorySink['write']>[0]) =>
        report.key.endsWith('.parquet') ? Promise.reject(new Error('denied')) : s3.write(report),
    });
    // Act
    const { summary } = await collectRun(config(), { ...deps, sinks: [refusing] });
    // Assess
    expect(summary.tenants[0]?.status).toBe('failed');
    expect(s3.objects.has(`${DIR}/accounts.csv`)).toBe(true);
    expect(s3.objects.has(POINTER)).toBe(false);
  });

  describe('symlink manifests for the SQL tables', () => {
    const ACCOUNTS_MANIFEST = `org-accounts/tables/accounts/dt=2024-05-01/${TENANT}.txt`;
    const CHANGES_MANIFEST = `org-accounts/tables/changes/dt=2024-05-01/${TENANT}.txt`;

    it('lists each Parquet object by its URI, after every object and before the pointer, only in sinks that give URIs', async () => {
      // Prepare: the queryable sink and a local folder (no URI) side by side.
      const { deps, s3, writes } = world({ queryable: true });
      const local = new MemorySink('local', undefined, writes);
      // Act: a first run, then a second with one tag changed (a baseline, so changes are written).
      await collectRun(config(), { ...deps, sinks: [s3, local] });
      writes.length = 0;
      const second = world({ queryable: true, tags: { '200000000001': [{ key: 'Owner', value: 'dev' }] } });
      s3.objects.forEach((object, key) => second.s3.objects.set(key, object));
      const { summary } = await collectRun(config(), { ...second.deps, sinks: [second.s3, local] });
      // Assess
      const tenantWrites = second.writes.filter((w) => !w.includes('_manifests') && !w.includes('_reports'));
      expect(tenantWrites.slice(-3)).toEqual([`memory-s3:${ACCOUNTS_MANIFEST}`, `memory-s3:${CHANGES_MANIFEST}`, `memory-s3:${POINTER}`]);
      expect(textOf(second.s3.objects.get(ACCOUNTS_MANIFEST))).toBe(`s3://reports/${DIR}/accounts.parquet\n`);
      expect(textOf(second.s3.objects.get(CHANGES_MANIFEST))).toBe(`s3://reports/${DIR}/changes.parquet\n`);
      expect(second.s3.objects.get(ACCOUNTS_MANIFEST)).toMatchObject({
        contentType: 'text/plain; charset=utf-8',
        metadata: { 'run-id': summary.runId },
      });
      expect([...local.objects.keys()].filter((key) => key.includes('tables/'))).toEqual([]);
    });

    it('lists no changes table on a first run, and nothing with --formats csv', async () => {
      const first = world({ queryable: true });
      await collectRun(config(), first.deps);
      expect([...first.s3.objects.keys()].filter((key) => key.includes('/tables/'))).toEqual([ACCOUNTS_MANIFEST]);
      const csvOnly = world({ queryable: true });
      await collectRun(config({ formats: 'csv' }), csvOnly.deps);
      expect([...csvOnly.s3.objects.keys()].filter((key) => key.includes('/tables/'))).toEqual([]);
    });

    it('writes none for a tenant that fails on the way', async () => {
      const { deps, s3 } = world({ queryable: true });
      const refusing = Object.assign(Object.create(s3) as QueryableSink, {
        write: (report: Parameters<MemorySink['write']>[0]) =>
          report.key.endsWith('.parquet') ? Promise.reject(new Error('denied')) : s3.write(report),
      });
      const { summary } = await collectRun(config(), { ...deps, sinks: [refusing] });
      expect(summary.tenants[0]?.status).toBe('failed');
      expect([...s3.objects.keys()].filter((key) => key.includes('/tables/'))).toEqual([]);
    });
  });

  it('refuses --formats without csv, naming the flag', () => {
    expect(() => config({ formats: 'parquet' })).toThrow(/--formats.*must include csv/);
  });
  it('logs a bus that took only some events, or threw, by tenant; the tenant still succeeds', async () => {
    // Prepare: a first run leaves a snapshot, so the second finds a change to publish.
    const first = world();
    await collectRun(config(), first.deps);
    const thrown: ChangeEventSink = { publish: () => Promise.reject(new Error('bus unreachable')) };
    const partial: ChangeEventSink = { publish: async () => ({ sent: 0, error: 'bus gone' }) };
    const results = [];
    for (const events of [partial, thrown]) {
      const next = world({ events, tags: {} });
      first.s3.objects.forEach((object, key) => next.s3.objects.set(key, object));
      // Act
      const { summary } = await collectRun(config(), next.deps);
      results.push({ summary, logger: next.deps.logger as RecordingLogger });
    }
    // Assess
    expect(results.map((r) => r.summary.eventsError)).toEqual(['bus gone', 'bus unreachable']);
    expect(results.map((r) => r.summary.tenants[0]?.status)).toEqual(['succeeded', 'succeeded']);
    expect(results[0].logger.lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: `Tenant ${TENANT}: change events not all sent: bus gone`, fields: { tenantId: TENANT, sent: 0 } },
    ]);
    expect(results[1].logger.lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: `Tenant ${TENANT}: change events not sent: bus unreachable`, fields: { tenantId: TENANT } },
    ]);
  });

  it('publishes nothing when there is no change, and logs nothing about the bus', async () => {
    const calls: number[] = [];
    const counting: ChangeEventSink = { publish: async (events) => (calls.push(events.length), { sent: events.length }) };
    const first = world({ events: counting });
    await collectRun(config(), first.deps);
    const { summary } = await collectRun(config(), { ...first.deps, organizations: world().deps.organizations });
    expect(calls).toEqual([]);
    expect(summary).not.toHaveProperty('eventsError');
  });

  it("records accounts.csv's location and checksum in the summary, not those of the objects written after it", async () => {
    const { deps, s3 } = world();
    const { summary } = await collectRun(config(), deps);
    const csvObject = s3.objects.get(`${DIR}/accounts.csv`);
    expect(summary.tenants[0]?.s3Key).toBe(`mem://${DIR}/accounts.csv`);
    expect(summary.tenants[0]?.sha256).toBe(csvObject?.sha256Hex);
  });

  it('says when the run report could not be written, and where it did go', async () => {
    const { deps, s3 } = world();
    const { report } = await collectRun(config(), { ...deps, sinks: [s3, new MemorySink('local', new Error('disk full'))] });
    expect(report?.error).toBe('The run report could not be written (memory-local: disk full)');
    expect(report?.s3Key).toMatch(/^mem:\/\/org-accounts\/dt=2024-05-01\/_reports\/.+\.html$/);
  });
});
