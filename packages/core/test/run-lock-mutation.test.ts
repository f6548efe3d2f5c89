import { RunLockHeldError, acquireRunLock, releaseRunLockOf, resolveCollectConfig, runLockKey } from '../src';
import { inspectRunLock, runLockCheck, withRunLock } from '../src/run-lock';
import { MemoryLockStore, RecordingLogger } from './fakes';

// What mutation testing found unasserted in run-lock.ts: which locks count as unreadable or expired,
// the race rounds, and what the operator reads in the log and in `orgmeta check`.

const NOW = new Date('2024-05-01T12:00:00.000Z');
const KEY = runLockKey('org-accounts/');
const WHERE = `mem://${KEY}`;

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

function lockDeps(store: MemoryLockStore, options: { clock?: () => Date } = { clock: () => NOW }) {
  return { store, holder: 'cli host-a pid 42', logger: new RecordingLogger(), surface: 'cli' as const, region: 'us-east-1', ...options };
}

const LIVE = {
  runId: 'run-live',
  startedAt: '2024-05-01T11:50:00.000Z',
  expiresAt: '2024-05-01T12:50:00.000Z',
  holder: 'cli host-b pid 7',
};

describe('which stored locks count', () => {
  it.each([
    ['no runId', { ...LIVE, runId: undefined }],
    ['a runId that is not a string', { ...LIVE, runId: 7 }],
    ['no expiresAt', { ...LIVE, expiresAt: undefined }],
    ['an expiresAt that is not a string', { ...LIVE, expiresAt: 2099 }],
    ['an expiresAt that is no date', { ...LIVE, expiresAt: 'tomorrow' }],
  ])('a lock with %s is unreadable: taken over, with a warning that says so', async (_what, lock) => {
    const store = new MemoryLockStore();
    store.plant(KEY, lock);
    const deps = lockDeps(store);
    await acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, deps);
    expect(JSON.parse(store.objects.get(KEY)?.body ?? '').runId).toBe('run-2');
    expect(deps.logger.lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: `Taking over the run lock ${WHERE} (unreadable)`, fields: { runId: 'run-2' } },
    ]);
  });

  it('names an unknown holder and an empty start when the lock does not say them', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, { runId: 'run-live', expiresAt: LIVE.expiresAt });
    const attempt = acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, lockDeps(store));
    await expect(attempt).rejects.toMatchObject({
      name: 'RunLockHeldError',
      holder: { runId: 'run-live', startedAt: '', expiresAt: LIVE.expiresAt, holder: 'unknown' },
      message: `Another run holds the lock on this report prefix: run run-live (unknown), started , lock expires ${LIVE.expiresAt} (${WHERE}). Nothing was collected.`,
    });
  });

  it('counts a lock as expired at its expiry instant, not a millisecond later', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, { ...LIVE, expiresAt: NOW.toISOString() });
    expect(await inspectRunLock('org-accounts/', store, NOW)).toEqual({
      held: false,
      expired: true,
      holder: { ...LIVE, expiresAt: NOW.toISOString() },
      location: WHERE,
    });
    const deps = lockDeps(store);
    await acquireRunLock(config(), { runId: 'run-2', startedAt: NOW }, deps);
    expect(deps.logger.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: `Taking over the run lock ${WHERE} (expired at ${NOW.toISOString()})`,
        fields: { runId: 'run-2', previousRunId: 'run-live' },
      },
    ]);
  });

  it('says in the log whose live lock --force took', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, LIVE);
    const deps = lockDeps(store);
    await acquireRunLock(config({ force: true }), { runId: 'run-2', startedAt: NOW }, deps);
    expect(deps.logger.messages('warn')).toEqual([`Taking over the run lock ${WHERE} (held by run run-live, taken with force)`]);
  });
});

describe('taking the lock', () => {
  it('logs where the lock was taken and until when', async () => {
    const deps = lockDeps(new MemoryLockStore());
    await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, deps);
    expect(deps.logger.lines).toEqual([
      { level: 'debug', message: `Run lock taken: ${WHERE}`, fields: { runId: 'run-1', expiresAt: '2024-05-01T13:00:00.000Z' } },
    ]);
  });

  it('counts the lock from the current time when no clock is given', async () => {
    const store = new MemoryLockStore();
    const before = Date.now();
    const lock = await acquireRunLock(config({ 'lock-ttl': 120 }), { runId: 'run-1', startedAt: NOW }, lockDeps(store, {}));
    const expires = Date.parse(lock.record.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 120_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it('tries again when the lock vanished between its create and its read, five rounds at most', async () => {
    const store = new MemoryLockStore();
    const create = jest.spyOn(store, 'createExclusive').mockResolvedValue(undefined);
    const attempt = acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, lockDeps(store));
    await expect(attempt).rejects.toMatchObject({
      name: 'RunLockError',
      message: `Could not take the run lock ${WHERE}: S3Upload failed: Could not take the run lock ${WHERE} after 5 attempts. Nothing was collected.`,
    });
    expect(create).toHaveBeenCalledTimes(5);
  });

  it('names the run that holds the lock when other runs keep winning the race', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, LIVE);
    // Every forced take-over loses: another run re-creates the lock before this one can.
    jest.spyOn(store, 'removeIf').mockResolvedValue(false);
    const create = jest.spyOn(store, 'createExclusive');
    const attempt = acquireRunLock(config({ force: true }), { runId: 'run-2', startedAt: NOW }, lockDeps(store));
    await expect(attempt).rejects.toBeInstanceOf(RunLockHeldError);
    await expect(attempt).rejects.toMatchObject({ holder: LIVE });
    expect(create).toHaveBeenCalledTimes(5);
  });

  it('keeps the storage error as the cause of a RunLockError', async () => {
    const store = new MemoryLockStore();
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    jest.spyOn(store, 'createExclusive').mockRejectedValue(denied);
    await expect(acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, lockDeps(store))).rejects.toMatchObject({ cause: denied });
  });
});

describe('releasing the lock', () => {
  it('removes its own lock without a warning', async () => {
    const store = new MemoryLockStore();
    const deps = lockDeps(store);
    const lock = await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, deps);
    await lock.release();
    expect(store.objects.size).toBe(0);
    expect(deps.logger.messages('warn')).toEqual([]);
  });

  it('says, with the run ID, that a lock taken over by another run was left as it is', async () => {
    const store = new MemoryLockStore();
    const deps = lockDeps(store);
    const lock = await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, deps);
    store.plant(KEY, LIVE);
    await lock.release();
    expect(deps.logger.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: `Run lock ${WHERE} was taken over by another run before this one ended; left as it is`,
        fields: { runId: 'run-1' },
      },
    ]);
  });

  it('warns and carries on when the lock cannot be removed (it expires on its own)', async () => {
    const store = new MemoryLockStore();
    const deps = lockDeps(store);
    const lock = await acquireRunLock(config(), { runId: 'run-1', startedAt: NOW }, deps);
    jest.spyOn(store, 'removeIf').mockRejectedValue(new Error('socket hang up'));
    await expect(lock.release()).resolves.toBeUndefined();
    expect(deps.logger.lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: `Could not release the run lock ${WHERE}: socket hang up`, fields: { runId: 'run-1' } },
    ]);
  });

  it('withRunLock releases the lock after the work, and without a lock store just runs it', async () => {
    const store = new MemoryLockStore();
    const logger = new RecordingLogger();
    const surroundings = { surface: 'cli' as const, region: 'us-east-1', logger, clock: () => NOW };
    const seen = await withRunLock(
      config(),
      { runId: 'run-1', startedAt: NOW },
      { ...surroundings, runLock: { store, holder: 'cli host-a pid 42' } },
      async () => JSON.parse(store.objects.get(KEY)?.body ?? '{}').runId,
    );
    expect(seen).toBe('run-1');
    expect(store.objects.size).toBe(0);
    expect(await withRunLock(config(), { runId: 'run-1', startedAt: NOW }, surroundings, async () => 'done')).toBe('done');
  });
});

describe("orgmeta check's run lock row", () => {
  it('warns, whole, while a run holds the lock', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, LIVE);
    expect(await runLockCheck(config(), store, 'cli', NOW)).toEqual({
      scope: 'run',
      check: 'run lock',
      status: 'WARN',
      detail: `held: run run-live (cli host-b pid 7), started ${LIVE.startedAt}, lock expires ${LIVE.expiresAt} (${WHERE})`,
      hint: 'Wait for that run to finish, or, if it is stuck or gone, run again with --force to take the lock.',
    });
  });

  it('passes, saying the next run takes it over, when the lock has expired', async () => {
    const store = new MemoryLockStore();
    store.plant(KEY, { ...LIVE, expiresAt: '2024-05-01T11:00:00.000Z' });
    expect(await runLockCheck(config(), store, 'cli', NOW)).toEqual({
      scope: 'run',
      check: 'run lock',
      status: 'PASS',
      detail: `free: the lock at ${WHERE} has expired; the next run takes it over`,
    });
  });

  it('fails with the error and the S3 permissions when the lock cannot be read', async () => {
    const store = new MemoryLockStore();
    jest.spyOn(store, 'read').mockRejectedValue(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    expect(await runLockCheck(config(), store, 'cli', NOW)).toEqual({
      scope: 'run',
      check: 'run lock',
      status: 'FAIL',
      detail: `could not read ${WHERE}: AccessDenied: Access Denied`,
      hint: 'Allow s3:GetObject, s3:PutObject and s3:DeleteObject on the lock key (docs/iam.md).',
    });
    jest.spyOn(store, 'read').mockRejectedValue('timeout');
    expect(await runLockCheck(config(), store, 'cli', NOW)).toMatchObject({ detail: `could not read ${WHERE}: timeout` });
  });
});

describe('releaseRunLockOf (the fan-out summarize step)', () => {
  function warnings(logger: RecordingLogger) {
    return logger.lines.filter((l) => l.level === 'warn');
  }

  it('leaves a lock held by another run, or an unreadable one, and says so', async () => {
    const store = new MemoryLockStore();
    const logger = new RecordingLogger();
    store.plant(KEY, LIVE);
    expect(await releaseRunLockOf('org-accounts/', 'run-1', { store, logger })).toBe('not-held');
    store.objects.set(KEY, { body: 'not json', token: 'x' });
    expect(await releaseRunLockOf('org-accounts/', 'run-1', { store, logger })).toBe('not-held');
    const notHeld = `Run lock ${WHERE} is not held by run run-1 any more (expired and taken over, or removed); left as it is`;
    expect(warnings(logger)).toEqual([
      { level: 'warn', message: notHeld, fields: { runId: 'run-1' } },
      { level: 'warn', message: notHeld, fields: { runId: 'run-1' } },
    ]);
    expect(store.objects.has(KEY)).toBe(true);
  });

  it('is not-held when the lock changed between its read and its removal', async () => {
    const store = new MemoryLockStore();
    const logger = new RecordingLogger();
    store.plant(KEY, LIVE);
    jest.spyOn(store, 'removeIf').mockResolvedValue(false);
    expect(await releaseRunLockOf('org-accounts/', 'run-live', { store, logger })).toBe('not-held');
  });

  it('never throws: a storage error is a warning and not-held', async () => {
    const store = new MemoryLockStore();
    const logger = new RecordingLogger();
    jest.spyOn(store, 'read').mockRejectedValue(new Error('socket hang up'));
    expect(await releaseRunLockOf('org-accounts/', 'run-1', { store, logger })).toBe('not-held');
    jest.spyOn(store, 'read').mockRejectedValue('reset');
    expect(await releaseRunLockOf('org-accounts/', 'run-1', { store, logger })).toBe('not-held');
    expect(warnings(logger)).toEqual([
      { level: 'warn', message: `Could not release the run lock ${WHERE}: socket hang up`, fields: { runId: 'run-1' } },
      { level: 'warn', message: `Could not release the run lock ${WHERE}: reset`, fields: { runId: 'run-1' } },
    ]);
  });
});
