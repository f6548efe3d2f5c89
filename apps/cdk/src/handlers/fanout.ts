import {
  acquireRunLock,
  collectTenant,
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
  type InvalidRecord,
  type Logger,
  type TenantResult,
  type KeyAttribute,
} from '@orgmeta/core';
import { RESULT_TEXT_LIMITS, boundedInvalidRecord, boundedTenantResult } from './bounded-result';
import { lambdaComposition, type LambdaComposition } from './composition';
import { RunFailedError, TenantThrottledError } from './errors';
import { lambdaHolder, type LambdaInvocation } from './run-lock';

/** What the state machine carries: no ExternalId ever enters the execution history. */
export interface TenantRef {
  readonly tenantId: string;
  readonly tenantName: string;
  /** The item's primary key, so the tenant's task reads its one item (GetItem) instead of scanning the table. */
  readonly key?: readonly KeyAttribute[];
}

export interface RunRef {
  readonly runId: string;
  readonly startedAt: string;
}

export interface ListTenantsOutput extends RunRef {
  readonly tenants: TenantRef[];
  readonly notSelected: readonly TenantResult[];
  readonly invalidRecords: readonly InvalidRecord[];
}

/**
 * Step 1: take the run lock, read the tenant table and name the run. Every text from the table is
 * bounded: it travels in the state. Another run holding the prefix's lock fails the execution here
 * (RunLockHeldError), before anything is read; the manifest step releases the lock.
 */
export async function listTenants(_event?: unknown, context?: LambdaInvocation): Promise<ListTenantsOutput> {
  const { config, deps, secrets } = lambdaComposition();
  const run = startRun();
  const lock = deps.runLock ? await acquireRunLock(config, run, { ...deps, ...deps.runLock, holder: lambdaHolder(context) }) : undefined;
  let plan: Awaited<ReturnType<typeof planRun>>;
  try {
    plan = await planRun(config, deps);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  deps.logger.info(`Run ${run.runId}: ${plan.tenants.length} tenant(s) to collect`, { runId: run.runId });
  return {
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    tenants: plan.tenants.map((t) => ({
      tenantId: t.tenantId,
      tenantName: safeText(t.tenantName, secrets, RESULT_TEXT_LIMITS.tenantName),
      ...(t.primaryKey?.length ? { key: t.primaryKey } : {}),
    })),
    notSelected: plan.notSelected.map((result) => boundedTenantResult(result, secrets)),
    invalidRecords: plan.invalidRecords.map((record) => boundedInvalidRecord(record, secrets)),
  };
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
 * Step 2 (one per tenant, in the Map): collect and write one tenant's report. Whatever
 * fails, the result is a bounded failed result (no stack trace, no unbounded AWS message);
 * the only error thrown is TenantThrottledError, for the Map to retry the tenant later.
 */
export async function collectOneTenant(event: RunRef & { readonly tenant: TenantRef }): Promise<TenantResult> {
  const composition = lambdaComposition();
  const { secrets, logger } = composition;
  try {
    const result = await collectSelectedTenant(event, composition);
    if (result.error && isThrottlingCode(result.error.code)) {
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
  }
}

async function collectSelectedTenant(
  event: RunRef & { readonly tenant: TenantRef },
  { config, deps }: LambdaComposition,
): Promise<TenantResult> {
  // Role name and ExternalId come from the table here, not from the execution's state: the
  // same selection as the list step, narrowed to this one tenant.
  const plan = await planRun(
    { ...config, tenantIds: [event.tenant.tenantId] },
    { ...deps, logger: selectionLogger(deps.logger) },
    event.tenant.key,
  );
  const [tenant] = plan.tenants;
  if (!tenant) {
    return failedResult(event.tenant, {
      code: 'TenantNotSelected',
      message: 'The tenant left the selection while the run was under way.',
      hint: 'Check its item in the tenant table; the next run will pick it up if it is active again.',
    });
  }
  return collectTenant(tenant, config, deps, { runId: event.runId, startedAt: new Date(event.startedAt) });
}

/** Step 3: the manifest from every tenant's result, then the run lock released; fails the execution when any tenant failed. */
export async function writeRunManifest(
  event: ListTenantsOutput & { readonly results: readonly TenantResult[] },
): Promise<{ runId: string; failed: number }> {
  const { config, deps } = lambdaComposition();
  try {
    return await summarizeAndWrite(event);
  } finally {
    if (deps.runLock) await releaseRunLockOf(config.prefix, event.runId, { store: deps.runLock.store, logger: deps.logger });
  }
}

async function summarizeAndWrite(
  event: ListTenantsOutput & { readonly results: readonly TenantResult[] },
): Promise<{ runId: string; failed: number }> {
  const { config, deps, secrets, metrics } = lambdaComposition();
  const summary = summarizeRun(
    { runId: event.runId, startedAt: new Date(event.startedAt) },
    [...event.results, ...event.notSelected],
    event.invalidRecords,
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
