import {
  collectTenant,
  failedResult,
  isThrottlingCode,
  planRun,
  selectTenants,
  startRun,
  summarizeRun,
  writeManifest,
  writeRunReport,
  type InvalidRecord,
  type TenantResult,
} from '@orgmeta/core';
import { RunFailedError, lambdaRuntime } from './runtime';

/** What the state machine carries: no ExternalId ever enters the execution history. */
export interface TenantRef {
  readonly tenantId: string;
  readonly tenantName: string;
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

/** Step 1: read the tenant table and name the run. */
export async function listTenants(): Promise<ListTenantsOutput> {
  const { config, deps } = lambdaRuntime();
  const run = startRun();
  const plan = await planRun(config, deps);
  deps.logger.info(`Run ${run.runId}: ${plan.tenants.length} tenant(s) to collect`, { runId: run.runId });
  return {
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    tenants: plan.tenants.map((t) => ({ tenantId: t.tenantId, tenantName: t.tenantName })),
    notSelected: plan.notSelected,
    invalidRecords: plan.invalidRecords,
  };
}

/** Thrown so the state machine retries this tenant with backoff: the organization throttled us past our own retries. */
export class TenantThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantThrottledError';
  }
}

/** Step 2 (one per tenant, in the Map): collect and write one tenant's report. */
export async function collectOneTenant(event: RunRef & { readonly tenant: TenantRef }): Promise<TenantResult> {
  const { config, deps } = lambdaRuntime();
  // Role name and ExternalId come from the table here, not from the execution's state.
  const { records } = await deps.tenantSource.scanTenants();
  const tenant = selectTenants(records, { status: config.tenantStatus, service: config.tenantService }).tenants.find(
    (t) => t.tenantId === event.tenant.tenantId,
  );
  if (!tenant) {
    return failedResult(event.tenant, {
      code: 'TenantNotSelected',
      message: 'The tenant left the selection while the run was under way.',
      hint: 'Check its item in the tenant table; the next run will pick it up if it is active again.',
    });
  }
  const result = await collectTenant(tenant, config, deps, { runId: event.runId, startedAt: new Date(event.startedAt) });
  if (result.error && isThrottlingCode(result.error.code)) throw new TenantThrottledError(`${tenant.tenantId}: ${result.error.message}`);
  return result;
}

/** Step 3: the manifest from every tenant's result; fails the execution when any tenant failed. */
export async function writeRunManifest(
  event: ListTenantsOutput & { readonly results: readonly TenantResult[] },
): Promise<{ runId: string; failed: number }> {
  const { config, deps } = lambdaRuntime();
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
      `Run ${summary.runId}: ${summary.totals.failed} of ${summary.totals.tenants} tenant(s) failed${manifest.error ? `; ${manifest.error}` : ''}`,
    );
  }
  return { runId: summary.runId, failed: 0 };
}
