import type { CollectConfig } from './config';
import { settingName, type Surface } from './config';
import type { Logger } from './ports';
import type { CheckResult } from './preflight';
import type { FailureDetails } from './errors';
import { describeFailure, failureContextFor, type RunSurroundings } from './failures';
import { displaySafe } from './redaction';

/**
 * One run at a time per report prefix (docs/failure-behaviour.md, "Overlapping runs"): a run takes
 * `<prefix>_lock/run.json` with an exclusive create before it reads the tenant table, and removes it
 * when it ends, whatever the outcome. A lock past its `expiresAt` belongs to a run that crashed: the
 * next run takes it over.
 */

/** What the lock object holds: who runs, since when, and until when the lock counts. No secrets. */
export interface RunLockRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  /** Who holds it: `cli <host> pid <pid>` or `lambda <function> request <id>`. */
  readonly holder: string;
}

/** A lock as stored, with the token (S3 ETag, a local content hash) that names this very write. */
export interface StoredLock {
  readonly body: string;
  readonly token: string;
}

/** Where run locks live: the bucket when the run uploads, else the local output directory. */
export interface RunLockStore {
  /** For people: `s3://bucket/prefix_lock/run.json` or a path. */
  describe(key: string): string;
  /** Creates the object only if none exists; `undefined` when one already does. */
  createExclusive(key: string, body: string): Promise<{ readonly token: string } | undefined>;
  /** The current lock, or `undefined` when there is none. */
  read(key: string): Promise<StoredLock | undefined>;
  /** Removes the lock only while it is still the write `token` names; false when it is not (any more). */
  removeIf(key: string, token: string): Promise<boolean>;
}

/** How a run takes its lock (the apps supply the store and say who they are). */
export interface RunLockDependencies {
  /** Where the lock is kept. */
  readonly store: RunLockStore;
  /** Who this run is, shown to a run that finds the lock held. */
  readonly holder: string;
}

/** Another run holds the prefix: this one did nothing. Exit code 75 in the CLI (EX_TEMPFAIL). */
export class RunLockHeldError extends Error {
  readonly code = 'RunLockHeld';
  /** How to fix it. */
  readonly hint: string;
  /** Who holds the lock. */
  readonly holder: RunLockRecord;
  /** Where the lock is. */
  readonly location: string;

  constructor(holder: RunLockRecord, location: string, surface: Surface) {
    super(`Another run holds the lock on this report prefix: ${describeHolder(holder, location)}. Nothing was collected.`);
    this.name = 'RunLockHeldError';
    this.location = location;
    this.holder = holder;
    const force = settingName('force', surface);
    this.hint = force
      ? `Wait for that run to finish, or, if it is stuck or gone, run again with ${force} to take the lock.`
      : `Wait for that run to finish; if it is stuck or gone, delete ${location} or wait until the lock expires.`;
  }
}

/** `run <id> (<who>), started <when>, lock expires <when> (<where>)`, display-safe. */
export function describeHolder(holder: RunLockRecord, location: string): string {
  return `run ${displaySafe(holder.runId)} (${displaySafe(holder.holder)}), started ${displaySafe(holder.startedAt)}, lock expires ${displaySafe(holder.expiresAt)} (${location})`;
}

/** The lock could not be taken or read (the bucket refused, S3 unreachable): the run did nothing. Carries the code and a fix. */
export class RunLockError extends Error {
  /** The error code. */
  readonly code: string;
  /** How to fix it. */
  readonly hint: string;

  constructor(details: FailureDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.name = 'RunLockError';
    this.code = details.code;
    this.hint = details.hint;
  }
}

/** The lock of a report prefix. */
export function runLockKey(prefix: string): string {
  return `${prefix}_lock/run.json`;
}

/** A held lock: release it once, at the end of the run. */
export interface HeldRunLock {
  readonly record: RunLockRecord;
  release(): Promise<void>;
}

function parseLock(body: string): RunLockRecord | undefined {
  try {
    const value = JSON.parse(body) as Partial<RunLockRecord>;
    if (typeof value.runId === 'string' && typeof value.expiresAt === 'string' && !Number.isNaN(Date.parse(value.expiresAt))) {
      return {
        runId: value.runId,
        startedAt: String(value.startedAt ?? ''),
        expiresAt: value.expiresAt,
        holder: String(value.holder ?? 'unknown'),
      };
    }
  } catch {
    // not JSON: treated as a lock nobody can own (below)
  }
  return undefined;
}

// Enough for a few runs racing over the same stale lock; each round either takes it or names a live holder.
const MAX_ROUNDS = 5;

/**
 * Takes the run lock of `config.prefix`, or throws a RunLockHeldError naming the run that holds it.
 * An expired (or unreadable) lock is taken over: removed only if it is still the one read
 * (conditional on its token), then created again exclusively, so two runs taking over the same
 * stale lock cannot both win. `config.force` takes over a live lock the same way.
 */
export async function acquireRunLock(
  config: CollectConfig,
  run: { readonly runId: string; readonly startedAt: Date },
  deps: RunLockDependencies & RunSurroundings & { readonly logger: Logger; readonly clock?: () => Date },
): Promise<HeldRunLock> {
  try {
    return await takeRunLock(config, run, deps);
  } catch (error) {
    if (error instanceof RunLockHeldError) throw error;
    const failure = describeFailure('S3Upload', error, failureContextFor(config, deps));
    const where = deps.store.describe(runLockKey(config.prefix));
    throw new RunLockError(
      {
        code: failure.code,
        message: `Could not take the run lock ${where}: ${failure.message}. Nothing was collected.`,
        hint: failure.hint,
      },
      { cause: error },
    );
  }
}

async function takeRunLock(
  config: Pick<CollectConfig, 'prefix' | 'force' | 'lockTtlSeconds'>,
  run: { readonly runId: string; readonly startedAt: Date },
  deps: RunLockDependencies & { readonly logger: Logger; readonly surface: Surface; readonly clock?: () => Date },
): Promise<HeldRunLock> {
  const clock = deps.clock ?? (() => new Date());
  const key = runLockKey(config.prefix);
  const where = deps.store.describe(key);
  const record: RunLockRecord = {
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    expiresAt: new Date(clock().getTime() + config.lockTtlSeconds * 1000).toISOString(),
    holder: deps.holder,
  };
  const body = `${JSON.stringify(record, null, 2)}\n`;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const created = await deps.store.createExclusive(key, body);
    if (created) {
      deps.logger.debug(`Run lock taken: ${where}`, { runId: run.runId, expiresAt: record.expiresAt });
      return { record, release: () => releaseRunLock(deps, key, where, created.token, run.runId) };
    }
    const current = await deps.store.read(key);
    if (!current) continue; // released between our create and our read: try again
    const holder = parseLock(current.body);
    const expired = !holder || Date.parse(holder.expiresAt) <= clock().getTime();
    if (!expired && !config.force) throw new RunLockHeldError(holder, where, deps.surface);
    const why = !holder ? 'unreadable' : expired ? `expired at ${holder.expiresAt}` : `held by run ${holder.runId}, taken with force`;
    deps.logger.warn(`Taking over the run lock ${where} (${displaySafe(why)})`, { runId: run.runId, previousRunId: holder?.runId });
    await deps.store.removeIf(key, current.token);
  }
  const last = await deps.store.read(key);
  const holder = last && parseLock(last.body);
  if (holder) throw new RunLockHeldError(holder, where, deps.surface);
  throw new Error(`Could not take the run lock ${where} after ${MAX_ROUNDS} attempts`);
}

async function releaseRunLock(
  deps: RunLockDependencies & { readonly logger: Logger },
  key: string,
  where: string,
  token: string,
  runId: string,
) {
  try {
    const removed = await deps.store.removeIf(key, token);
    if (!removed) deps.logger.warn(`Run lock ${where} was taken over by another run before this one ended; left as it is`, { runId });
  } catch (error) {
    // The run's outputs are written; a lock left behind expires on its own.
    deps.logger.warn(`Could not release the run lock ${where}: ${error instanceof Error ? error.message : String(error)}`, { runId });
  }
}

/** Runs `work` under the run lock when the app gave a lock store, releasing it however `work` ends. */
export async function withRunLock<T>(
  config: CollectConfig,
  run: { readonly runId: string; readonly startedAt: Date },
  deps: RunSurroundings & { readonly runLock?: RunLockDependencies; readonly logger: Logger; readonly clock?: () => Date },
  work: () => Promise<T>,
): Promise<T> {
  if (!deps.runLock) return work();
  const lock = await acquireRunLock(config, run, {
    ...deps.runLock,
    logger: deps.logger,
    surface: deps.surface,
    region: deps.region,
    secrets: deps.secrets,
    clock: deps.clock,
  });
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** What `orgmeta check` shows about the lock right now. */
export interface RunLockStatus {
  readonly held: boolean;
  readonly expired: boolean;
  readonly holder?: RunLockRecord;
  readonly location: string;
}

export async function inspectRunLock(prefix: string, store: RunLockStore, now: Date = new Date()): Promise<RunLockStatus> {
  const key = runLockKey(prefix);
  const location = store.describe(key);
  const current = await store.read(key);
  if (!current) return { held: false, expired: false, location };
  const holder = parseLock(current.body);
  const expired = !holder || Date.parse(holder.expiresAt) <= now.getTime();
  return { held: !expired, expired, ...(holder ? { holder } : {}), location };
}

/** `orgmeta check`'s row about the run lock: a run holding it now is a warning (a collection would wait), not a failure. */
export async function runLockCheck(
  config: Pick<CollectConfig, 'prefix'>,
  store: RunLockStore,
  surface: Surface,
  now: Date = new Date(),
): Promise<CheckResult> {
  const check = 'run lock';
  let status: RunLockStatus;
  try {
    status = await inspectRunLock(config.prefix, store, now);
  } catch (error) {
    return {
      scope: 'run',
      check,
      status: 'FAIL',
      detail: `could not read ${store.describe(runLockKey(config.prefix))}: ${displaySafe(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`,
      hint: 'Allow s3:GetObject, s3:PutObject and s3:DeleteObject on the lock key (docs/iam.md).',
    };
  }
  if (status.held && status.holder) {
    const { hint } = new RunLockHeldError(status.holder, status.location, surface);
    return { scope: 'run', check, status: 'WARN', detail: `held: ${describeHolder(status.holder, status.location)}`, hint };
  }
  if (status.expired) {
    return { scope: 'run', check, status: 'PASS', detail: `free: the lock at ${status.location} has expired; the next run takes it over` };
  }
  return { scope: 'run', check, status: 'PASS', detail: `free: no run holds ${status.location}` };
}

/**
 * Releases the lock of `prefix` if run `runId` holds it (the fan-out's summarize step, which did not
 * take it itself): removed only while it is the very lock just read, so a lock another run has taken
 * over in the meantime stays. Never throws; says what happened.
 */
export async function releaseRunLockOf(
  prefix: string,
  runId: string,
  deps: { readonly store: RunLockStore; readonly logger: Logger },
): Promise<'released' | 'not-held'> {
  const key = runLockKey(prefix);
  const where = deps.store.describe(key);
  try {
    const current = await deps.store.read(key);
    const holder = current && parseLock(current.body);
    if (!current || holder?.runId !== runId) {
      deps.logger.warn(`Run lock ${where} is not held by run ${runId} any more (expired and taken over, or removed); left as it is`, {
        runId,
      });
      return 'not-held';
    }
    return (await deps.store.removeIf(key, current.token)) ? 'released' : 'not-held';
  } catch (error) {
    deps.logger.warn(`Could not release the run lock ${where}: ${error instanceof Error ? error.message : String(error)}`, { runId });
    return 'not-held';
  }
}
