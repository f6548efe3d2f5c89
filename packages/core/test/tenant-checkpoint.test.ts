import { gunzipSync } from 'node:zlib';
import { MAX_STALLED_CHUNKS, collectTenant, collectTenantChunk, resumeWaitSeconds, type ChunkOutcome } from '../src/pipeline';
import { checkpointKey, decodeCheckpoint, type CheckpointStore, type TenantCheckpoint } from '../src/tenant-checkpoint';
import {
  resolveCollectConfig,
  type OrganizationConnector,
  type OrganizationReader,
  type PipelineDependencies,
  type ReportObject,
  type Tenant,
  type TenantReport,
} from '../src';
import {
  AwsError,
  FakeOrganizationAccess,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  organization,
  type FakeOrganization,
} from './fakes';

const MANAGEMENT = '111111111111';
const RUN = { runId: '20240501T120000Z-abcdef', startedAt: new Date('2024-05-01T12:00:00.000Z') };
const TENANT: Tenant = { tenantId: MANAGEMENT, tenantName: 'Acme', roleName: 'OrgMetaReader', externalId: 'tenant-secret-external-id' };
const KEY = checkpointKey('org-accounts/', RUN.runId, MANAGEMENT);

const config = resolveCollectConfig({
  flags: { 'ou-path': true, 'delegated-admins': true, contacts: true, regions: true, 'account-concurrency': 2 },
  env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
});

/** Everything the report holds, details included, so two runs can be compared byte for byte. */
function renderAll(report: TenantReport): string {
  return JSON.stringify({
    ...report,
    accounts: report.accounts.map((a) => ({ ...a, tags: [...a.tags], details: [...(a.details ?? [])] })),
  });
}

/** Three pages of accounts with tags, OUs, contacts, Regions and a delegated administrator. */
function bigOrganization(): FakeOrganization {
  const ids = Array.from({ length: 12 }, (_, i) => String(200000000000 + i));
  return {
    organization: organization(MANAGEMENT),
    accountPages: [ids.slice(0, 5), ids.slice(5, 10), ids.slice(10)].map((page) => page.map((id) => account(id))),
    tags: Object.fromEntries(ids.map((id, i) => [id, [{ key: 'CostCenter', value: `cc-${i % 3}` }]])),
    ouPaths: Object.fromEntries(ids.map((id, i) => [id, i % 2 ? 'Root/Workloads' : 'Root/Sandbox'])),
    delegated: { [ids[3]]: ['guardduty.amazonaws.com'] },
    contacts: Object.fromEntries(ids.map((id) => [id, { SECURITY: `sec-${id}@example.com` }])),
    regions: Object.fromEntries(ids.map((id) => [id, ['us-east-1', 'eu-west-1']])),
  };
}

class MemoryCheckpoints implements CheckpointStore {
  readonly objects = new Map<string, ReportObject>();
  readonly removed: string[] = [];
  async load(key: string) {
    const body = this.objects.get(key)?.body;
    return typeof body === 'string' ? new TextEncoder().encode(body) : body;
  }
  async save(object: ReportObject) {
    this.objects.set(object.key, object);
  }
  async remove(key: string) {
    this.removed.push(key);
    this.objects.delete(key);
  }
}

/** A connector whose reader aborts `pause` after `liveCalls` answers of this chunk (the last one is then lost, as in flight). */
function pausingAfter(inner: OrganizationConnector, liveCalls: number, pause: AbortController, counted: string[]): OrganizationConnector {
  return {
    async connect(access) {
      const reader = await inner.connect(access);
      let answered = 0;
      const counting =
        <A extends unknown[], T>(name: string, call: (...args: A) => Promise<T>) =>
        async (...args: A): Promise<T> => {
          const value = await call(...args);
          counted.push(`${name} ${args.join(',')}`);
          answered += 1;
          if (answered >= liveCalls) pause.abort();
          return value;
        };
      const countingReader: OrganizationReader = {
        ...reader,
        describeOrganization: counting('describeOrganization', () => reader.describeOrganization()),
        listTags: counting('listTags', (id: string) => reader.listTags(id)),
        organizationalUnitName: counting('organizationalUnitName', (id: string) => reader.organizationalUnitName(id)),
        alternateContactEmail: counting('alternateContactEmail', (id: string | undefined, type) => reader.alternateContactEmail(id, type)),
        enabledRegions: counting('enabledRegions', (id: string | undefined) => reader.enabledRegions(id)),
      };
      return countingReader;
    },
  };
}

function deps(organizations: OrganizationConnector, sink = new MemorySink('s3'), logger = new RecordingLogger()): PipelineDependencies {
  return {
    tenantSource: new StaticTenantSource([]),
    organizations,
    render: renderAll,
    sinks: [sink],
    logger,
    region: 'us-east-1',
    surface: 'lambda',
  };
}

/** Runs chunks (each pausing after `liveCalls` answers) until the tenant is done. */
async function inChunks(org: FakeOrganization, liveCalls: number, store = new MemoryCheckpoints()) {
  const sink = new MemorySink('s3');
  const outcomes: ChunkOutcome[] = [];
  const checkpoints: TenantCheckpoint[] = [];
  const answered: string[] = [];
  for (let chunk = 0; chunk < 100; chunk += 1) {
    const pause = new AbortController();
    const access = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: org }), liveCalls, pause, answered);
    const outcome = await collectTenantChunk(TENANT, config, deps(access, sink), RUN, { pause: pause.signal, store });
    outcomes.push(outcome);
    if (outcome.status === 'done') return { outcomes, checkpoints, sink, store, answered };
    const bytes = await store.load(KEY);
    if (bytes) checkpoints.push(decodeCheckpoint(bytes));
  }
  throw new Error('never finished');
}

describe('collectTenantChunk', () => {
  it('pauses at its deadline and resumes where it stopped, ending with the same report as one go', async () => {
    // Prepare: the tenant in one go.
    const once = new MemorySink('s3');
    const oneGo = await collectTenant(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), once), RUN);

    // Act: chunks of six answers each.
    const chunked = await inChunks(bigOrganization(), 6);

    // Assess: several pauses, each a deadline resumed at once, then the same objects as one go.
    expect(oneGo.status).toBe('succeeded');
    const done = chunked.outcomes.at(-1);
    expect(done).toMatchObject({ status: 'done', result: { status: 'succeeded', accounts: 12 } });
    expect(chunked.outcomes.length).toBeGreaterThanOrEqual(5);
    expect(chunked.outcomes.slice(0, -1)).toEqual(
      chunked.outcomes.slice(0, -1).map((_, i) => ({ status: 'paused', reason: 'deadline', chunks: i + 1, waitSeconds: 0 })),
    );
    expect(done?.chunks).toBe(chunked.outcomes.length);
    expect([...chunked.sink.objects.keys()]).toEqual([...once.objects.keys()]);
    for (const [key, object] of once.objects) expect(chunked.sink.objects.get(key)?.body).toEqual(object.body);
    // Nothing asked twice but the one answer lost at each pause.
    const repeats = chunked.answered.length - new Set(chunked.answered).size;
    expect(repeats).toBeLessThanOrEqual(chunked.outcomes.length - 1);
    // The checkpoints grew, hold no ExternalId, and the finished tenant's is gone.
    const sizes = chunked.checkpoints.map((c) => Object.keys(c.answers).length + c.accountPages.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[0]).toBeGreaterThan(0);
    for (const checkpoint of chunked.checkpoints) expect(JSON.stringify(checkpoint)).not.toContain(TENANT.externalId);
    expect(chunked.store.objects.has(KEY)).toBe(false);
    expect(chunked.store.removed).toEqual([KEY]);
  });

  it('keeps join dates, missing contacts and OU placements as they were read', async () => {
    // Prepare: an account without contacts, resumed after one answer per chunk.
    const org = { ...bigOrganization(), contacts: {} };
    const once = new MemorySink('s3');
    await collectTenant(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: org }), once), RUN);
    // Act
    const chunked = await inChunks(org, 3);
    // Assess
    for (const [key, object] of once.objects) expect(chunked.sink.objects.get(key)?.body).toEqual(object.body);
    const last = chunked.checkpoints.at(-1);
    expect(last?.accountPages[0].accounts[0]).toMatchObject({ joinedTimestamp: '2024-05-01T12:00:00.000Z' });
    expect(Object.entries(last?.answers ?? {}).find(([key]) => key.startsWith('contact '))?.[1]).toBeNull();
  });

  it('pauses on a throttled call with a wait that grows while nothing new is read, then fails the tenant with the throttling', async () => {
    // Prepare: every tag call throttled (the SDK's retries already spent).
    const org: FakeOrganization = {
      ...bigOrganization(),
      failAt: { step: 'listTags', error: new AwsError('TooManyRequestsException', 'Rate exceeded') },
    };
    const store = new MemoryCheckpoints();
    const outcomes: ChunkOutcome[] = [];
    // Act
    for (let chunk = 0; chunk < 20; chunk += 1) {
      const outcome = await collectTenantChunk(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: org })), RUN, {
        pause: new AbortController().signal,
        store,
      });
      outcomes.push(outcome);
      if (outcome.status === 'done') break;
    }
    // Assess: pauses while the listing still brings something new, then waits that double up to
    // 5 minutes over MAX_STALLED_CHUNKS chunks that read nothing; then the tenant fails.
    const waits = outcomes.flatMap((o) => (o.status === 'paused' ? [o.waitSeconds] : []));
    expect(outcomes.every((o) => o.status === 'done' || o.reason === 'throttled')).toBe(true);
    expect(waits.slice(-MAX_STALLED_CHUNKS)).toEqual([30, 60, 120, 240, 300]);
    expect(waits.slice(0, -MAX_STALLED_CHUNKS).every((wait) => wait === 30)).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({
      status: 'done',
      result: { status: 'failed', error: { code: 'TooManyRequestsException', message: expect.stringContaining('ListTagsForResource') } },
    });
    expect(store.objects.has(KEY)).toBe(false);
  });

  it('gives a tenant whose chunks read nothing one last chunk that cannot pause, so it never loops forever', async () => {
    // Prepare: every chunk's time is up before its first call (a call slower than the budget).
    const store = new MemoryCheckpoints();
    const outcomes: ChunkOutcome[] = [];
    const expired = new AbortController();
    expired.abort();
    // Act
    for (let chunk = 0; chunk < 20; chunk += 1) {
      const access = new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() });
      const outcome = await collectTenantChunk(TENANT, config, deps(access), RUN, { pause: expired.signal, store });
      outcomes.push(outcome);
      if (outcome.status === 'done') break;
    }
    // Assess: MAX_STALLED_CHUNKS pauses with nothing read, then the last chunk runs to the end.
    expect(outcomes.slice(0, -1)).toEqual(
      Array.from({ length: MAX_STALLED_CHUNKS }, (_, i) => ({ status: 'paused', reason: 'deadline', chunks: i + 1, waitSeconds: 0 })),
    );
    expect(outcomes.at(-1)).toMatchObject({
      status: 'done',
      chunks: MAX_STALLED_CHUNKS + 1,
      result: { status: 'succeeded', accounts: 12 },
    });
  });

  it("starts over, with a warning, from a checkpoint that is unreadable or another run's", async () => {
    for (const body of [new Uint8Array([1, 2, 3]), (await checkpointOfAnotherRun()) ?? new Uint8Array()]) {
      // Prepare
      const store = new MemoryCheckpoints();
      await store.save({ key: KEY, body, contentType: 'application/gzip', sha256Hex: '', metadata: {} });
      const logger = new RecordingLogger();
      // Act
      const outcome = await collectTenantChunk(
        TENANT,
        config,
        deps(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), undefined, logger),
        RUN,
        {
          pause: new AbortController().signal,
          store,
        },
      );
      // Assess
      expect(outcome).toMatchObject({ status: 'done', chunks: 1, result: { status: 'succeeded', accounts: 12 } });
      expect(logger.messages('warn').join('\n')).toMatch(
        /checkpoint at \S+ (is unreadable \(.+\)|belongs to another run or tenant); collecting from the start/,
      );
    }
  });

  it('collects in one chunk when nothing pauses it, leaving no checkpoint', async () => {
    const store = new MemoryCheckpoints();
    const outcome = await collectTenantChunk(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() })), RUN, {
      pause: new AbortController().signal,
      store,
    });
    expect(outcome).toMatchObject({ status: 'done', chunks: 1, result: { status: 'succeeded' } });
    expect(store.objects.size).toBe(0);
    expect(store.removed).toEqual([]);
  });
});

/** A real checkpoint, of another run ID. */
async function checkpointOfAnotherRun(): Promise<Uint8Array | undefined> {
  const store = new MemoryCheckpoints();
  const pause = new AbortController();
  const other = { ...RUN, runId: '20240501T110000Z-000000' };
  const access = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), 4, pause, []);
  await collectTenantChunk(TENANT, config, deps(access), other, { pause: pause.signal, store });
  const bytes = await store.load(checkpointKey('org-accounts/', other.runId, MANAGEMENT));
  // The other run's checkpoint, moved to this run's key.
  expect(JSON.parse(gunzipSync(bytes ?? new Uint8Array()).toString('utf8'))).toMatchObject({ runId: other.runId });
  return bytes;
}

describe('resumeWaitSeconds', () => {
  it('resumes at once after a deadline, and after throttling waits 30 s doubling to at most 5 minutes', () => {
    expect(resumeWaitSeconds('deadline', 3)).toBe(0);
    expect([0, 1, 2, 3, 4, 5, 9].map((stalled) => resumeWaitSeconds('throttled', stalled))).toEqual([30, 30, 60, 120, 240, 300, 300]);
  });
});
