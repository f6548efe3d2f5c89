import {
  ReportWriteError,
  RunLockHeldError,
  acquireRunLock,
  collectRun,
  releaseRunLockOf,
  resolveCollectConfig,
  runLockKey,
  type PipelineDependencies,
  type RunLockStore,
} from '../src';
import { inspectRunLock, runLockCheck } from '../src/run-lock';
import {
  FakeOrganizationAccess,
  MemoryLockStore,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
} from './fakes';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const KEY = runLockKey('org-accounts/');

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

function lockDeps(store: RunLockStore, surface: 'cli' | 'lambda' = 'cli') {
  return { store, holder: 'cli host-a pid 42', logger: new RecordingLogger(), surface, region: 'us-east-1', clock: () => NOW };
}

const FIRST = {
  runId: '20240501T115000Z-aaaaaa',
  startedAt: '2024-05-01T11:50:00.000Z',
  expiresAt: '2024-05-01T12:50:00.000Z',
  holder: 'cli host-b pid 7',
};

describe('acquireRunLock', () => {
  it('writes who runs, since when and until when under <prefix>_lock/run.json, and removes it on release', async () => {
    const store = new MemoryLockStore();
    const lock = await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, lockDeps(store));
    expect(JSON.parse(store.objects.get('org-accounts/_lock/run.json')?.body ?? '')).toEqual({
      runId: 'run-1',
      startedAt: '2024-05-01T12:00:00.000Z',
      expiresAt: '2024-05-01T13:00:00.000Z',
      holder: 'cli host-a pid 42',
    });
    await lock.release();
    expect(store.objects.size).toBe(0);
  });

  it('refuses while another run holds a live lock, naming its run, start and expiry, and suggesting --force', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, FIRST);
    const attempt = acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, lockDeps(store));
    await expect(attempt).rejects.toBeInstanceOf(RunLockHeldError);
    await expect(attempt).rejects.toMatchObject({
      code: 'RunLockHeld',
      holder: FIRST,
      message: expect.stringContaining(
        'run 20240501T115000Z-aaaaaa (cli host-b pid 7), started 2024-05-01T11:50:00.000Z, lock expires 2024-05-01T12:50:00.000Z',
      ),
      hint: expect.stringContaining('--force'),
    });
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '')).toEqual(FIRST);
  });

  it('tells a Lambda operator to delete the lock object, since the Lambda has no --force', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, FIRST);
    await expect(acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, lockDeps(store, 'lambda'))).rejects.toMatchObject({
      hint: expect.stringContaining(`delete mem://${KEY}`),
    });
  });

  it('takes over an expired lock, with a warning', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, { ...FIRST, expiresAt: '2024-05-01T11:59:59.999Z' });
    const deps = lockDeps(store);
    await acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, deps);
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '').runId).toBe('run-2');
    expect(deps.logger.messages('warn')).toEqual([`Taking over the run lock mem://${KEY} (expired at 2024-05-01T11:59:59.999Z)`]);
  });

  it('takes over an unreadable lock', async () => {
    const store = new MemoryLockStore();
    store.objects.set(KEY, { body: 'not json', token: 'x' });
    await acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, lockDeps(store));
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '').runId).toBe('run-2');
  });

  it('takes a live lock with --force', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, FIRST);
    await acquireRunLock(config({ force: true }), { runId: 'run-2', startedAt: NOW }, lockDeps(store));
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '').runId).toBe('run-2');
  });

  it('lasts --lock-ttl seconds', async () => {
    const store = new MemoryLockStore();
    const lock = await acquireRunLock(config({ 'lock-ttl': 120 }), { runId: 'run-1', startedAt: NOW }, lockDeps(store));
    expect(lock.record.expiresAt).toBe('2024-05-01T12:02:00.000Z');
  });

  it('never removes a lock another run took over in the meantime', async () => {
    const store = new MemoryLockStore();
    const deps = lockDeps(store);
    const lock = await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, deps);
    store.plant(KEY, { ...FIRST, runId: 'run-3' });
    await lock.release();
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '').runId).toBe('run-3');
    expect(deps.logger.messages('warn')[0]).toContain('was taken over by another run');
  });
});

describe('inspectRunLock', () => {
  it('says whether a lock is held now, and by whom', async () => {
    const store = new MemoryLockStore();
    expect(await inspectRunLock('org-accounts/', store, NOW)).toEqual({ held: false, expired: false, location: `mem://${KEY}` });
    store.plant(KEY, FIRST);
    expect(await inspectRunLock('org-accounts/', store, NOW)).toMatchObject({ held: true, holder: FIRST });
    expect(await inspectRunLock('org-accounts/', store, new Date('2024-05-01T13:00:00.000Z'))).toMatchObject({
      held: false,
      expired: true,
    });
  });
});

describe('collectRun under the run lock', () => {
  function world(store: MemoryLockStore, s3 = new MemorySink('s3')) {
    const tenantSource = new StaticTenantSource([activeTenant('111111111111')]);
    const scan = jest.spyOn(tenantSource, 'scanTenants');
    const deps: PipelineDependencies = {
      tenantSource,
      organizations: new FakeOrganizationAccess({
        '111111111111': { organization: organization('111111111111'), accountPages: [[account('111111111111')]] },
      }),
      render: () => 'report',
      sinks: [s3],
      logger: new RecordingLogger(),
      region: 'us-east-1',
      surface: 'cli',
      clock: () => NOW,
      runLock: { store, holder: 'cli host-a pid 42' },
    };
    return { deps, s3, scan };
  }

  it('holds the lock for the whole run and releases it at the end', async () => {
    const store = new MemoryLockStore();
    const { deps, s3 } = world(store);
    const { summary } = await collectRun(config(), deps);
    expect(summary.totals.succeeded).toBe(1);
    expect(s3.objects.size).toBe(2);
    expect(store.objects.size).toBe(0);
  });

  it('reads nothing and writes nothing while another run holds the prefix', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, FIRST);
    const { deps, s3, scan } = world(store);
    await expect(collectRun(config(), deps)).rejects.toBeInstanceOf(RunLockHeldError);
    expect(scan).not.toHaveBeenCalled();
    expect(s3.objects.size).toBe(0);
  });

  it('releases the lock when the run fails (tenant table unreadable)', async () => {
    const store = new MemoryLockStore();
    const { deps, scan } = world(store);
    scan.mockRejectedValue(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    await expect(collectRun(config(), deps)).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    expect(store.objects.size).toBe(0);
  });
});

describe('what the summary says about written objects', () => {
  function run(sink: MemorySink) {
    return collectRun(config(), {
      tenantSource: new StaticTenantSource([activeTenant('111111111111')]),
      organizations: new FakeOrganizationAccess({
        '111111111111': { organization: organization('111111111111'), accountPages: [[account('111111111111')]] },
      }),
      render: () => 'report',
      sinks: [sink],
      logger: new RecordingLogger(),
      region: 'us-east-1',
      surface: 'cli',
      clock: () => NOW,
    });
  }

  it('records the S3 VersionId of each report when the bucket keeps versions', async () => {
    const sink = new MemorySink('s3');
    jest
      .spyOn(sink, 'write')
      .mockImplementation(async (report) => ({ location: report.key, versionId: report.key.endsWith('.csv') ? 'v-report' : 'v-manifest' }));
    const { summary } = await run(sink);
    expect(summary.tenants[0]).toMatchObject({
      s3Key: 'org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv',
      s3VersionId: 'v-report',
    });
  });

  it('records no VersionId when the bucket does not keep versions', async () => {
    const { summary } = await run(new MemorySink('s3'));
    expect(summary.tenants[0]).not.toHaveProperty('s3VersionId');
  });

  it.each([true, false, 'unknown'] as const)('records s3Written: %s and the key when a failed upload says so', async (written) => {
    const key = 'org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv';
    const failure = new ReportWriteError({ code: 'RequestTimeout', message: 'socket hang up', sinkKind: 's3', location: key, written });
    const { summary } = await run(new MemorySink('s3', failure));
    expect(summary.tenants[0]).toMatchObject({ status: 'failed', s3Key: key, s3Written: written, error: { code: 'RequestTimeout' } });
  });
});

describe('runLockCheck', () => {
  it('passes when no run holds the prefix, and warns with the holder and the way out when one does', async () => {
    const store = new MemoryLockStore();
    expect(await runLockCheck(config(), store, 'cli', NOW)).toEqual({
      scope: 'run',
      check: 'run lock',
      status: 'PASS',
      detail: `free: no run holds mem://${KEY}`,
    });
    store.plant(KEY, FIRST);
    expect(await runLockCheck(config(), store, 'cli', NOW)).toMatchObject({
      status: 'WARN',
      detail: `held: run ${FIRST.runId} (cli host-b pid 7), started ${FIRST.startedAt}, lock expires ${FIRST.expiresAt} (mem://${KEY})`,
      hint: expect.stringContaining('--force'),
    });
  });
});

describe('releaseRunLockOf', () => {
  it("removes the lock of the run named (the fan-out's summarize step), and no other run's", async () => {
    const store = new MemoryLockStore();
    const logger = new RecordingLogger();
    store.plant(KEY, FIRST);
    expect(await releaseRunLockOf('org-accounts/', 'another-run', { store, logger })).toBe('not-held');
    expect(store.objects.has(KEY)).toBe(true);
    expect(await releaseRunLockOf('org-accounts/', FIRST.runId, { store, logger })).toBe('released');
    expect(store.objects.has(KEY)).toBe(false);
    expect(await releaseRunLockOf('org-accounts/', FIRST.runId, { store, logger })).toBe('not-held');
  });
});

describe('a lock that cannot be taken', () => {
  it('stops the run with RunLockError: the AWS code, where, and a fix', async () => {
    const store = new MemoryLockStore();
    jest.spyOn(store, 'createExclusive').mockRejectedValue(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const attempt = acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, lockDeps(store));
    await expect(attempt).rejects.toMatchObject({
      name: 'RunLockError',
      code: 'AccessDenied',
      message: `Could not take the run lock mem://${KEY}: S3Upload failed: Access Denied. Nothing was collected.`,
      hint: expect.stringContaining('s3:PutObject'),
    });
  });
});
