import {
  acquireRunLock,
  collectTenant,
  collectTenantChunk,
  errorCode,
  failedResult,
  isThrottlingCode,
  planRun,
  releaseRunLockOf,
  safeText,
  startRun,
  TenantSourceError,
  summarizeRun,
  writeManifest,
  writeRunReport,
  ConfigError,
  type ChunkOutcome,
  type Logger,
  type ObjectReader,
  type PauseReason,
  type TenantResult,
} from '@orgmeta/core';
import { RESULT_TEXT_LIMITS, boundedInvalidRecord, boundedTenantResult } from './bounded-result';
import { lambdaComposition, type LambdaComposition } from './composition';
import { runDeadline, type LambdaContext } from './deadline';
import { RunFailedError, TenantThrottledError } from './errors';
import { lambdaHolder, type LambdaInvocation } from './run-lock';
import {
  missingResult,
  parseTenantsJsonLines,
  readChildResults,
  runFileKeys,
  runFileObject,
  tenantsJsonLines,
  type ResultWriterDetails,
  type RunPlanFile,
  type TenantRef,
} from './run-files';
import { envVarOf } from '../settings';
import { FANOUT_TENANT_HOURS } from './lambda-settings';

export type { TenantRef } from './run-files';

/** What the state machine carries about the run: small values only, whatever the fleet's size. */
export interface RunRef {
  readonly runId: string;
  readonly startedAt: string;
}

export interface ListTenantsOutput extends RunRef {
  /** The report bucket, where the run's files are (`bucket` for the Map's item reader and result writer). */
  readonly bucket: string;
  /** The selected tenants, one JSON object a line, for the Distributed Map's item reader. */
  readonly tenantsKey: string;
  /** Where the Map's result writer puts its files (it adds `/<map run id>/`). */
  readonly resultsPrefix: string;
  readonly tenantCount: number;
}

/**
 * Step 1: take the run lock, read the tenant table, name the run, and write the selected tenants
 * (ids, names, table keys; never an ExternalId) and the rest of the plan to the run's files in S3.
 * Only their keys enter the state. Another run holding the prefix's lock fails the execution here
 * (RunLockHeldError), before anything is read; the manifest step releases the lock.
 */
export async function listTenants(_event?: unknown, context?: LambdaInvocation): Promise<ListTenantsOutput> {
  const { config, deps, secrets } = lambdaComposition();
  if (!config.bucketName) throw new ConfigError(`The fan-out needs ${envVarOf('bucketName')}: its tenant list and results live in S3.`);
  const run = startRun();
  const lock = deps.runLock ? await acquireRunLock(config, run, { ...deps, ...deps.runLock, holder: lambdaHolder(context) }) : undefined;
  try {
    const plan = await planRun(config, deps);
    const keys = runFileKeys(config.prefix, run.runId);
    const tenants: TenantRef[] = plan.tenants.map((t) => ({
      tenantId: t.tenantId,
      tenantName: safeText(t.tenantName, secrets, RESULT_TEXT_LIMITS.tenantName),
      ...(t.primaryKey?.length ? { key: t.primaryKey } : {}),
    }));
    const planFile: RunPlanFile = {
      runId: run.runId,
      startedAt: run.startedAt.toISOString(),
      notSelected: plan.notSelected.map((result) => boundedTenantResult(result, secrets)),
      invalidRecords: plan.invalidRecords.map((record) => boundedInvalidRecord(record, secrets)),
    };
    for (const sink of deps.sinks) {
      await sink.write(runFileObject(keys.plan, `${JSON.stringify(planFile)}\n`, 'application/json', run.runId));
      await sink.write(runFileObject(keys.tenants, tenantsJsonLines(tenants), 'application/x-ndjson', run.runId));
    }
    deps.logger.info(`Run ${run.runId}: ${tenants.length} tenant(s) to collect, listed in ${keys.tenants}`, { runId: run.runId });
    return {
      runId: run.runId,
      startedAt: planFile.startedAt,
      bucket: config.bucketName,
      tenantsKey: keys.tenants,
      resultsPrefix: keys.results,
      tenantCount: tenants.length,
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/** The list step already warned about every skipped row; each tenant's task would repeat them all. */
function selectionLogger(logger: Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.debug(message, fields),
    warn: (message, fields) => logger.debug(message, fields),
    error: (message, fields) => logger.error(message, fields),
  };
}

/**
 * Time a chunk keeps back from the Lambda timeout: after the pause, the checkpoint is saved; a
 * chunk that finished its reads just before the pause writes the tenant's outputs instead
 * (CSV, Parquet, the change report of up to tens of thousands of accounts), which must fit too.
 */
export const CHUNK_MARGIN_MS = 120_000;

/** What the child workflow is told when a tenant is not finished: wait, then invoke the task again. */
export interface ResumeMarker {
  readonly resume: { readonly reason: PauseReason; readonly chunks: number; readonly waitSeconds: number };
}

/** The collect task's answer: the tenant's record (the child's output), or when to resume it. */
export type CollectTaskOutput = TenantResult | ResumeMarker;

/**
 * Step 2 (one per tenant, each in its own child execution of the Distributed Map): collect and
 * write one tenant's report, resumable: when the invocation's time is nearly up, or the organization
 * keeps throttling, what was read is saved to the tenant's checkpoint and the task answers
 * `{ resume }`; the child workflow waits and invokes it again (docs/deployment.md, "Resumable
 * tenants"). Whatever fails, the result is a bounded failed result (no stack trace, no unbounded AWS
 * message); the only error thrown is TenantThrottledError, for the Map to retry the tenant later.
 */
export async function collectOneTenant(
  event: RunRef & { readonly tenant: TenantRef },
  context?: LambdaContext,
): Promise<CollectTaskOutput> {
  const composition = lambdaComposition();
  const { secrets, logger } = composition;
  const pause = context ? runDeadline(context, CHUNK_MARGIN_MS) : undefined;
  try {
    const outcome = await collectSelectedTenant(event, composition, pause?.signal);
    if (outcome.status === 'paused') {
      const { reason, chunks, waitSeconds } = outcome;
      return { resume: { reason, chunks, waitSeconds } };
    }
    const { result } = outcome;
    // Throttled past its own retries: the Map's retry of this task tries the tenant again later (from its checkpoint).
    if (result.error && isThrottlingCode(result.error.code) && outcome.retryable) {
      throw new TenantThrottledError(`${event.tenant.tenantId}: ${safeText(result.error.message, secrets, RESULT_TEXT_LIMITS.message)}`);
    }
    return boundedTenantResult(result, secrets);
  } catch (error) {
    if (error instanceof TenantThrottledError) throw error;
    // The tenant table could not be read: core says why and how to fix it. Anything else is unexpected.
    const details =
      error instanceof TenantSourceError
        ? error.toDetails()
        : {
            code: errorCode(error),
            message: `The tenant task failed: ${error instanceof Error ? error.message : String(error)}`,
            hint: 'See the CollectTenant logs of this run for details; the next run collects the tenant again.',
          };
    logger.error(`Tenant ${event.tenant.tenantId} failed: ${details.code}: ${details.message}`, { tenantId: event.tenant.tenantId });
    return boundedTenantResult(failedResult(event.tenant, details), secrets);
  } finally {
    pause?.dispose();
  }
}

async function collectSelectedTenant(
  event: RunRef & { readonly tenant: TenantRef },
  { config, deps, checkpoints }: LambdaComposition,
  pause: AbortSignal | undefined,
): Promise<ChunkOutcome> {
  // Role name and ExternalId come from the table here, not from the execution's state: the
  // same selection as the list step, narrowed to this one tenant.
  const plan = await planRun(
    { ...config, tenantIds: [event.tenant.tenantId] },
    { ...deps, logger: selectionLogger(deps.logger) },
    event.tenant.key,
  );
  const [tenant] = plan.tenants;
  if (!tenant) {
    const result = failedResult(event.tenant, {
      code: 'TenantNotSelected',
      message: 'The tenant left the selection while the run was under way.',
      hint: 'Check its item in the tenant table; the next run will pick it up if it is active again.',
    });
    return { status: 'done', result, chunks: 1, retryable: false };
  }
  const run = { runId: event.runId, startedAt: new Date(event.startedAt) };
  // Without an invocation deadline (a direct call) or a bucket for checkpoints, the tenant is collected in one go.
  if (!pause || !checkpoints) return { status: 'done', result: await collectTenant(tenant, config, deps, run), chunks: 1, retryable: true };
  const stopPausingAt = new Date(run.startedAt.getTime() + FANOUT_TENANT_HOURS * 3_600_000);
  return collectTenantChunk(tenant, config, deps, run, { pause, store: checkpoints, stopPausingAt });
}

/** What the summarize step is given: the run, and where the Map's result writer put its manifest. */
export type SummarizeEvent = RunRef &
  (
    | { readonly resultWriterDetails: ResultWriterDetails }
    /** The Distributed Map itself failed (its item reader or result writer, past their retries): no result files to read. */
    | { readonly mapError: string }
  );

/**
 * Step 3: the manifest from every tenant's record (read from the result writer's files, one file at
 * a time), then the run lock released; fails the execution when any tenant failed. Every tenant of
 * the run's list is in the manifest: one the result files do not mention is a failed tenant.
 */
export async function writeRunManifest(event: SummarizeEvent): Promise<{ runId: string; failed: number }> {
  const { config, deps } = lambdaComposition();
  try {
    return await summarizeAndWrite(event);
  } finally {
    await sweepCheckpoints(event.runId);
    if (deps.runLock) await releaseRunLockOf(config.prefix, event.runId, { store: deps.runLock.store, logger: deps.logger });
  }
}

/**
 * Deletes the run's checkpoints that tenants left behind (a child stopped or timed out mid-tenant):
 * they hold the organizations' answers, which the run's reports now hold where they belong. A
 * failure here is logged, never the run's: the run files' lifecycle rule expires them anyway.
 */
async function sweepCheckpoints(runId: string): Promise<void> {
  const { config, checkpoints, logger } = lambdaComposition();
  if (!checkpoints) return;
  const prefix = runFileKeys(config.prefix, runId).checkpoints;
  try {
    const removed = await checkpoints.removeAll(prefix);
    if (removed.length > 0) logger.info(`Run ${runId}: deleted ${removed.length} checkpoint(s) left behind`, { runId });
  } catch (error) {
    logger.warn(
      `Run ${runId}: the checkpoints under ${prefix} could not be deleted (${error instanceof Error ? error.message : String(error)}); they expire with the run's files`,
      { runId },
    );
  }
}

async function readRunFile(store: ObjectReader, key: string): Promise<string> {
  const bytes = await store.readObject(key);
  if (!bytes) throw new Error(`The run file ${key} does not exist (expired, or deleted?)`);
  return new TextDecoder().decode(bytes);
}

async function summarizeAndWrite(event: SummarizeEvent): Promise<{ runId: string; failed: number }> {
  const { config, deps, secrets, metrics, runFiles } = lambdaComposition();
  if (!runFiles) throw new ConfigError(`The fan-out needs ${envVarOf('bucketName')}: its tenant list and results live in S3.`);
  const keys = runFileKeys(config.prefix, event.runId);
  const plan = JSON.parse(await readRunFile(runFiles, keys.plan)) as RunPlanFile;
  const tenants = parseTenantsJsonLines(await readRunFile(runFiles, keys.tenants), keys.tenants);
  // After a failed Map every tenant is missing, named as such: the run still gets its manifest and releases its lock.
  const mapError = 'mapError' in event ? safeText(event.mapError, secrets, RESULT_TEXT_LIMITS.message) : undefined;
  const records = 'resultWriterDetails' in event ? await readChildResults(runFiles, event.resultWriterDetails, secrets) : new Map();
  const results = tenants.map((tenant) => records.get(tenant.tenantId) ?? missingResult(tenant, mapError));
  const summary = summarizeRun(
    { runId: event.runId, startedAt: new Date(event.startedAt) },
    [...results, ...plan.notSelected],
    plan.invalidRecords,
    new Date(),
  );
  const manifest = await writeManifest(summary, config, deps);
  await writeRunReport(summary, config, deps);
  if (summary.totals.failed > 0 || manifest.error) {
    throw new RunFailedError(
      `Run ${summary.runId}: ${summary.totals.failed} of ${summary.totals.tenants} tenant(s) failed${manifest.error ? `; ${safeText(manifest.error, secrets)}` : ''}`,
    );
  }
  metrics.runSucceeded(summary.runId);
  return { runId: summary.runId, failed: 0 };
}
