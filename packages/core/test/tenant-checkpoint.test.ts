import { gunzipSync } from 'node:zlib';
import { MAX_STALLED_CHUNKS, collectTenant, collectTenantChunk, resumeWaitSeconds, type ChunkOutcome } from '../src/pipeline';
import { collectAccounts } from '../src/account-collection';
import {
  ResumableReader,
  checkpointFolder,
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointStore,
  type TenantCheckpoint,
} from '../src/tenant-checkpoint';
import {
  resolveCollectConfig,
  type ConnectOptions,
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

describe('where checkpoints live', () => {
  it("keeps a tenant's checkpoint with its run's working files, which the run files' lifecycle rule expires", () => {
    expect(checkpointFolder('org-accounts/', RUN.runId)).toBe('org-accounts/_runs/20240501T120000Z-abcdef/checkpoints/');
    expect(KEY).toBe('org-accounts/_runs/20240501T120000Z-abcdef/checkpoints/111111111111.json.gz');
  });
});

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

/** What a chunk's connector saw: the options each connect was given, and where each listing started. */
interface Connections {
  readonly options: (ConnectOptions | undefined)[];
  readonly listedFrom: (string | undefined)[];
}

/**
 * A connector whose reader aborts `pause` after `liveCalls` answers of this chunk (ListAccounts
 * pages included; the last answer is then lost, as one in flight), and says its pace is `PACE`.
 */
function pausingAfter(
  inner: OrganizationConnector,
  liveCalls: number,
  pause: AbortController,
  counted: string[],
  connections: Connections = { options: [], listedFrom: [] },
): OrganizationConnector {
  return {
    async connect(access, options) {
      connections.options.push(options);
      const reader = await inner.connect(access);
      let answered = 0;
      const answer = (name: string) => {
        counted.push(name);
        answered += 1;
        if (answered >= liveCalls) pause.abort();
      };
      const counting =
        <A extends unknown[], T>(name: string, call: (...args: A) => Promise<T>) =>
        async (...args: A): Promise<T> => {
          const value = await call(...args);
          answer(`${name} ${args.join(',')}`);
          return value;
        };
      const countingReader: OrganizationReader = {
        ...reader,
        organizationsRps: () => PACE,
        describeOrganization: counting('describeOrganization', () => reader.describeOrganization()),
        listAccountPages: async function* (startingToken?: string) {
          connections.listedFrom.push(startingToken);
          for await (const page of reader.listAccountPages?.(startingToken) ?? []) {
            answer(`page ${page.accounts[0]?.id}`);
            yield page;
          }
        },
        listTags: counting('listTags', (id: string) => reader.listTags(id)),
        organizationalUnitName: counting('organizationalUnitName', (id: string) => reader.organizationalUnitName(id)),
        alternateContactEmail: counting('alternateContactEmail', (id: string | undefined, type) => reader.alternateContactEmail(id, type)),
        enabledRegions: counting('enabledRegions', (id: string | undefined) => reader.enabledRegions(id)),
      };
      return countingReader;
    },
  };
}

/** The Organizations pace the test readers say they learnt. */
const PACE = 7;

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

/** Runs chunks (each pausing after `liveCalls` answers) until the tenant is done; `orgOf` may change the organization per chunk. */
async function inChunks(org: FakeOrganization, liveCalls: number, orgOf: (chunk: number) => FakeOrganization = () => org) {
  const store = new MemoryCheckpoints();
  const sink = new MemorySink('s3');
  const outcomes: ChunkOutcome[] = [];
  const checkpoints: TenantCheckpoint[] = [];
  const answered: string[] = [];
  const connections: Connections = { options: [], listedFrom: [] };
  for (let chunk = 0; chunk < 100; chunk += 1) {
    const pause = new AbortController();
    const access = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: orgOf(chunk) }), liveCalls, pause, answered, connections);
    const outcome = await collectTenantChunk(TENANT, config, deps(access, sink), RUN, { pause: pause.signal, store });
    outcomes.push(outcome);
    if (outcome.status === 'done') return { outcomes, checkpoints, sink, store, answered, connections };
    const bytes = await store.load(KEY);
    if (bytes) checkpoints.push(decodeCheckpoint(bytes));
  }
  throw new Error('never finished');
}

/** The tenant's objects when collected in one go. */
async function inOneGo(org: FakeOrganization): Promise<MemorySink> {
  const once = new MemorySink('s3');
  await collectTenant(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: org }), once), RUN);
  return once;
}

function expectSameObjects(actual: MemorySink, expected: MemorySink): void {
  expect([...actual.objects.keys()]).toEqual([...expected.objects.keys()]);
  for (const [key, object] of expected.objects) expect(actual.objects.get(key)?.body).toEqual(object.body);
}

describe('collectTenantChunk', () => {
  it('pauses at its deadline and resumes where it stopped, ending with the same report as one go', async () => {
    // Prepare: the tenant in one go.
    const once = await inOneGo(bigOrganization());

    // Act: chunks of six answers each.
    const chunked = await inChunks(bigOrganization(), 6);

    // Assess: several pauses, each a deadline resumed at once, then the same objects as one go.
    const done = chunked.outcomes.at(-1);
    expect(done).toMatchObject({ status: 'done', result: { status: 'succeeded', accounts: 12 }, retryable: false });
    expect(chunked.outcomes.length).toBeGreaterThanOrEqual(5);
    expect(chunked.outcomes.slice(0, -1)).toEqual(
      chunked.outcomes.slice(0, -1).map((_, i) => ({ status: 'paused', reason: 'deadline', chunks: i + 1, waitSeconds: 0 })),
    );
    expect(done?.chunks).toBe(chunked.outcomes.length);
    expectSameObjects(chunked.sink, once);
    // One pause came in the middle of the listing, and the next chunk went on from its NextToken.
    expect(chunked.checkpoints.some((c) => c.accountPages.length > 0 && c.accountPages.at(-1)?.nextToken !== undefined)).toBe(true);
    expect(chunked.connections.listedFrom.filter((token) => token !== undefined).length).toBeGreaterThan(0);
    // Resumed, not restarted: asked again are only the calls in flight at each pause, at most two
    // per budget (organizations, contacts, Regions at --account-concurrency 2) and a ListAccounts page.
    const repeats = chunked.answered.length - new Set(chunked.answered).size;
    expect(repeats).toBeLessThanOrEqual(7 * (chunked.outcomes.length - 1));
    expect(chunked.answered.length).toBeLessThan(2 * new Set(chunked.answered).size);
    // Each chunk after the first started at the pace the last one ended at, and could be stopped.
    expect(chunked.connections.options[0]).toEqual({ signal: expect.any(AbortSignal) });
    expect(chunked.connections.options.slice(1)).toEqual(
      chunked.connections.options.slice(1).map(() => ({ signal: expect.any(AbortSignal), organizationsRps: PACE })),
    );
    // The checkpoints grew, hold no ExternalId, and the finished tenant's is gone.
    const sizes = chunked.checkpoints.map((c) => Object.keys(c.answers).length + c.accountPages.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[0]).toBeGreaterThan(0);
    for (const checkpoint of chunked.checkpoints) expect(JSON.stringify(checkpoint)).not.toContain(TENANT.externalId);
    expect(chunked.store.objects.has(KEY)).toBe(false);
    expect(chunked.store.removed).toEqual([KEY]);
  });

  it('keeps join dates, missing contacts and OU placements as they were read', async () => {
    // Prepare: accounts without contacts, resumed after three answers per chunk.
    const org = { ...bigOrganization(), contacts: {} };
    const once = await inOneGo(org);
    // Act
    const chunked = await inChunks(org, 3);
    // Assess
    expectSameObjects(chunked.sink, once);
    const last = chunked.checkpoints.at(-1);
    expect(last?.accountPages[0].accounts[0]).toMatchObject({ joinedTimestamp: '2024-05-01T12:00:00.000Z' });
    expect(Object.entries(last?.answers ?? {}).find(([key]) => key.startsWith('contact '))?.[1]).toBeNull();
  });

  it('lists again from the start when ListAccounts refuses the saved NextToken, with the same report', async () => {
    // Prepare: from the second chunk on, the organization refuses every NextToken given back.
    const once = await inOneGo(bigOrganization());
    // Act
    const chunked = await inChunks(bigOrganization(), 4, (chunk) => ({ ...bigOrganization(), refuseTokens: chunk > 0 }));
    // Assess: the first chunk stopped mid-listing, the second was refused its token and listed from the start; the report is whole, each account once.
    expect(chunked.checkpoints[0].accountPages.at(-1)?.nextToken).toBeDefined();
    expect(chunked.connections.listedFrom.slice(0, 3)).toEqual([
      undefined,
      chunked.checkpoints[0].accountPages.at(-1)?.nextToken,
      undefined,
    ]);
    expect(chunked.outcomes.at(-1)).toMatchObject({ status: 'done', result: { status: 'succeeded', accounts: 12 } });
    expectSameObjects(chunked.sink, once);
  });

  it('pauses when its time is up just as the reads end, and the next chunk writes from the checkpoint alone', async () => {
    // Prepare: a checkpoint holding every answer (what a chunk that read everything leaves).
    const store = new MemoryCheckpoints();
    const access = new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() });
    const recorder = new ResumableReader(await access.connect(assumeTarget()), new AbortController().signal, undefined, true);
    await recorder.describeOrganization();
    await collectAccounts(recorder, organization(MANAGEMENT), config, (_stage, action) => action());
    const full = encodeCheckpoint(recorder.checkpoint({ runId: RUN.runId, tenantId: MANAGEMENT }, 1000));
    await store.save({ key: KEY, body: full, contentType: 'application/gzip', sha256Hex: '', metadata: {} });
    const once = await inOneGo(bigOrganization());
    const expired = new AbortController();
    expired.abort();

    // Act: a chunk whose time is already up, then one with time.
    const sink = new MemorySink('s3');
    const late = await collectTenantChunk(
      TENANT,
      config,
      deps(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), sink),
      RUN,
      {
        pause: expired.signal,
        store,
      },
    );
    const asked: string[] = [];
    const lastAccess = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), 1_000, new AbortController(), asked);
    const last = await collectTenantChunk(TENANT, config, deps(lastAccess, sink), RUN, { pause: new AbortController().signal, store });

    // Assess: the late chunk wrote nothing and paused; the next one asked AWS nothing and wrote the same report.
    expect(late).toEqual({ status: 'paused', reason: 'deadline', chunks: 2, waitSeconds: 0 });
    expect(last).toMatchObject({
      status: 'done',
      chunks: 3,
      result: { status: 'succeeded', accounts: 12, durationMs: expect.any(Number) },
    });
    expect(asked).toEqual([]);
    expectSameObjects(sink, once);
    // Its duration counts the earlier chunks' time too.
    expect(last.status === 'done' && last.result.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('pauses on a throttled call with a wait that grows while nothing new is read, then fails the tenant with the throttling', async () => {
    // Prepare: every tag call throttled (the SDK's retries already spent).
    const org: FakeOrganization = {
      ...bigOrganization(),
      failAt: { step: 'listTags', error: new AwsError('TooManyRequestsException', 'Rate exceeded') },
    };
    const store = new MemoryCheckpoints();
    // Act
    const outcomes = await chunksUntilDone(org, store, new AbortController().signal);
    // Assess: pauses while the listing still brings something new, then waits that double up to
    // 5 minutes over MAX_STALLED_CHUNKS chunks that read nothing; then the tenant fails, for good.
    const waits = outcomes.flatMap((o) => (o.status === 'paused' ? [o.waitSeconds] : []));
    expect(outcomes.every((o) => o.status === 'done' || o.reason === 'throttled')).toBe(true);
    expect(waits.slice(-MAX_STALLED_CHUNKS)).toEqual([30, 60, 120, 240, 300]);
    expect(waits.slice(0, -MAX_STALLED_CHUNKS).every((wait) => wait === 30)).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({
      status: 'done',
      retryable: false,
      result: { status: 'failed', error: { code: 'TooManyRequestsException', message: expect.stringContaining('ListTagsForResource') } },
    });
    expect(store.objects.has(KEY)).toBe(false);
  });

  it('keeps the checkpoint of a resumed tenant that failed throttled (AssumeRole), for the retry to resume', async () => {
    // Prepare: a first chunk that paused, then a chunk whose AssumeRole is throttled.
    const first = await inChunksUntilFirstPause(bigOrganization(), 6);
    const throttled: FakeOrganization = {
      ...bigOrganization(),
      failAt: { step: 'connect', error: new AwsError('Throttling', 'Rate exceeded') },
    };
    // Act
    const outcome = await collectTenantChunk(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: throttled })), RUN, {
      pause: new AbortController().signal,
      store: first.store,
    });
    // Assess: a retryable failure; what the first chunk read is still there.
    expect(outcome).toMatchObject({ status: 'done', retryable: true, result: { status: 'failed', error: { code: 'Throttling' } } });
    expect(first.store.objects.has(KEY)).toBe(true);
    expect(first.store.removed).toEqual([]);
  });

  it('ends a tenant whose chunks read nothing as stalled after its last chance, deleting its checkpoint', async () => {
    // Prepare: every chunk's time is up before its first call (a call slower than the budget).
    const store = new MemoryCheckpoints();
    const expired = new AbortController();
    expired.abort();
    // Act
    const outcomes = await chunksUntilDone(bigOrganization(), store, expired.signal);
    // Assess: MAX_STALLED_CHUNKS pauses with nothing read, the last chance, then a failed tenant.
    expect(outcomes.slice(0, -1)).toEqual(
      Array.from({ length: MAX_STALLED_CHUNKS }, (_, i) => ({ status: 'paused', reason: 'deadline', chunks: i + 1, waitSeconds: 0 })),
    );
    expect(outcomes.at(-1)).toEqual({
      status: 'done',
      chunks: MAX_STALLED_CHUNKS + 1,
      retryable: false,
      result: expect.objectContaining({
        status: 'failed',
        error: {
          code: 'TenantStalled',
          message: 'The organization answered nothing new in 6 invocations in a row (out of time); 0 account(s) had been listed.',
          hint: "Check what else calls this organization's APIs (throttling), or lower ORG_RPS. The next scheduled run collects it again (or start the function now).",
        },
      }),
    });
    expect(store.objects.has(KEY)).toBe(false);
  });

  it("fails a tenant that would pause after the run's time is up (TenantOutOfTime), leaving no checkpoint", async () => {
    // Prepare: the run may pause tenants until a moment already past.
    const store = new MemoryCheckpoints();
    const pause = new AbortController();
    const access = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: bigOrganization() }), 6, pause, []);
    // Act
    const outcome = await collectTenantChunk(TENANT, config, deps(access), RUN, {
      pause: pause.signal,
      store,
      stopPausingAt: new Date(Date.now() - 1),
    });
    // Assess
    expect(outcome).toMatchObject({
      status: 'done',
      retryable: false,
      result: {
        status: 'failed',
        error: {
          code: 'TenantOutOfTime',
          message: expect.stringMatching(
            /^The tenant was still being collected after 1 invocations when the run's time ran out \(\d+ account\(s\) listed\)/,
          ),
          hint: expect.stringContaining('Collect this tenant on its own, with the CLI (no time limit)'),
        },
      },
    });
    expect(store.objects.size).toBe(0);
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
        { pause: new AbortController().signal, store },
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
    expect(outcome).toMatchObject({ status: 'done', chunks: 1, retryable: false, result: { status: 'succeeded' } });
    expect(store.objects.size).toBe(0);
    expect(store.removed).toEqual([]);
  });
});

/** Chunks with the same pause signal until the tenant is done (at most 20). */
async function chunksUntilDone(org: FakeOrganization, store: MemoryCheckpoints, pause: AbortSignal): Promise<ChunkOutcome[]> {
  const outcomes: ChunkOutcome[] = [];
  for (let chunk = 0; chunk < 20; chunk += 1) {
    const outcome = await collectTenantChunk(TENANT, config, deps(new FakeOrganizationAccess({ [MANAGEMENT]: org })), RUN, {
      pause,
      store,
    });
    outcomes.push(outcome);
    if (outcome.status === 'done') break;
  }
  return outcomes;
}

/** One chunk that pauses after `liveCalls` answers, leaving its checkpoint in the store. */
async function inChunksUntilFirstPause(org: FakeOrganization, liveCalls: number) {
  const store = new MemoryCheckpoints();
  const pause = new AbortController();
  const access = pausingAfter(new FakeOrganizationAccess({ [MANAGEMENT]: org }), liveCalls, pause, []);
  const outcome = await collectTenantChunk(TENANT, config, deps(access), RUN, { pause: pause.signal, store });
  expect(outcome).toMatchObject({ status: 'paused' });
  return { store };
}

/** The role the tests' connector is asked to assume. */
function assumeTarget() {
  return { tenantId: MANAGEMENT, roleArn: `arn:aws:iam::${MANAGEMENT}:role/OrgMetaReader`, roleSessionName: RUN.runId };
}

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
