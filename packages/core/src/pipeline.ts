import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { settingName, type CollectConfig, type Surface } from './config';
import { isThrottlingCode } from './error-codes';
import { InterruptedError, TenantCollectionError, TenantSourceError, type FailureDetails } from './errors';
import {
  describeFailure,
  externalIdMissing,
  failureContextFor,
  rerunTenantHint,
  stalledTenantHint,
  tenantTableFailure,
  type CollectionStage,
  type FailureContext,
} from './failures';
import { assumeRoleTargetFor } from './assume-role-target';
import type { CollectedDetails } from './account-details';
import { collectAccounts } from './account-collection';
import {
  CHECKPOINT_CONTENT_TYPE,
  CollectionPausedError,
  ResumableReader,
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  pauseOf,
  type CheckpointStore,
  type PauseReason,
  type TenantCheckpoint,
} from './tenant-checkpoint';
import { displayName, failedResult } from './tenant-results';
import { SecretMasker, displaySafe, maskingLogger, safeText } from './redaction';
import type { Logger, OrganizationConnector, ReportObject, ReportRenderer, ReportSink, TenantSource } from './ports';
import type { ChangeEvent } from './changes';
import { buildRunReport } from './run-report';
import { runReportKey } from './run-report-layout';
import type { ChangeEventSink } from './snapshot-ports';
import type { PreviousSnapshot } from './snapshot-pointer';
import {
  loadBaseline,
  planTenantOutputs,
  runReportObject,
  sha256Hex,
  tableManifestObject,
  type OutputDependencies,
  type TenantOutputFacts,
} from './tenant-outputs';
import type { TableManifest } from './table-manifests';
import { MANIFEST_CONTENT_TYPE, manifestKey } from './report-layout';
import { REPORT_SINK_KINDS, storedFields, writeEvidence, type SinkLocations } from './report-sinks';
import { withRunLock, type RunLockDependencies } from './run-lock';
import { selectTenants } from './tenants';
import type {
  Account,
  AccountWithDetails,
  InvalidRecord,
  KeyAttribute,
  RunSummary,
  Tenant,
  TenantReport,
  TenantResult,
  TenantScan,
} from './types';

/** Everything the pipeline ({@link collectRun}, {@link planRun}, {@link collectTenant}) reads from and writes to: the ports, the renderers, the sinks and the logger. */
export interface PipelineDependencies {
  /** Reads the tenant table. */
  readonly tenantSource: TenantSource;
  /** Opens each tenant's organization (assumes its role). */
  readonly organizations: OrganizationConnector;
  /** Turns a tenant report into the text of `accounts.csv` (`@orgmeta/csv` `accountsCsvRenderer`). */
  readonly render: ReportRenderer;
  /** Part 2's outputs (snapshot formats, changes, events, tag coverage, run report); without them a run writes Part 1's objects. */
  readonly outputs?: OutputDependencies;
  /**
   * Where reports and the manifest go, written in this order; a report fails at the first sink
   * that refuses it. Local copies come before S3, so a failed upload still leaves the local copy
   * (docs/outputs.md: "the local copy stays").
   */
  readonly sinks: readonly ReportSink[];
  /** Where diagnostics go; core never writes to stdout or stderr itself. */
  readonly logger: Logger;
  /** Region of the collector; decides the ARN partition. */
  readonly region: string;
  /** Where the operator runs this: hints name settings as this surface sets them (`--bucket` or `REPORT_BUCKET_NAME`). */
  readonly surface: Surface;
  /**
   * The app's masker (its loggers use the same one): the pipeline adds the run-wide ExternalId and
   * every per-tenant one as soon as it reads them, and masks them in every message, log line,
   * summary and manifest, even where AWS quotes one back. Without it, the pipeline uses its own.
   */
  readonly secrets?: SecretMasker;
  /** The time source (tests inject one). */
  readonly clock?: () => Date;
  /** Called once the tenants to collect are known, e.g. to size a progress display. */
  readonly onTenantsSelected?: (count: number) => void;
  /** Called as each tenant finishes, e.g. for a progress display. */
  readonly onTenantFinished?: (result: TenantResult) => void;
  /**
   * Stops the run: tenants not started are not collected, reads in flight are
   * abandoned, writes in flight are aborted; the summary and manifest still say
   * what finished.
   */
  readonly signal?: AbortSignal;
  /** One run at a time per report prefix (run-lock.ts); without it the run takes no lock. */
  readonly runLock?: RunLockDependencies;
}

/** Where the manifest went (per sink kind), or why it could not be written everywhere. */
export interface ManifestOutcome extends SinkLocations {
  /** Why the object could not be written everywhere. */
  readonly error?: string;
}

/** What {@link collectRun} did: the summary, and where the manifest and the run report went. */
export interface RunOutcome {
  /** The run's summary. */
  readonly summary: RunSummary;
  /** Where the manifest went, or why it did not. */
  readonly manifest: ManifestOutcome;
  /** Where the run's HTML report went; absent when none was written (`--no-html-report`). */
  readonly report?: ManifestOutcome;
}

/** Sortable, unique, and valid in a RoleSessionName and an S3 key. */
export function newRunId(startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    // Stryker disable next-line Regex: toISOString has one `.sssZ`, at the end; the anchor changes nothing.
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function byOrdinal(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator,ConditionalExpression: the keys sorted are unique (IDs, Set keys) and V8's sort only asks whether a result is negative.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names a run: its ID (also the STS session name and manifest name) and its start, which sets `dt`. */
export interface RunIdentity {
  /** The run ID, sortable and unique. */
  readonly runId: string;
  /** When the run started. */
  readonly startedAt: Date;
}

/** Names a new run: its ID and start time. */
export function startRun(clock: () => Date = () => new Date()): RunIdentity {
  const startedAt = clock();
  return { runId: newRunId(startedAt), startedAt };
}

/** Who a run collects: the selected tenants, `--tenant` IDs that are not selectable, and skipped rows. */
export interface RunPlan {
  /** The tenants to collect. */
  readonly tenants: readonly Tenant[];
  /** Tenants asked for (`tenantIds`) that the table does not select, as failed results. */
  readonly notSelected: readonly TenantResult[];
  /** Items skipped as invalid. */
  readonly invalidRecords: readonly InvalidRecord[];
}

/** The run's masker (the app's, else a new one), knowing the run-wide ExternalId. */
function runSecrets(config: CollectConfig, deps: { readonly secrets?: SecretMasker }): SecretMasker {
  const secrets = deps.secrets ?? new SecretMasker();
  secrets.add(config.externalId);
  return secrets;
}

/**
 * Reads the tenant table and decides who to collect (`config.tenantIds` narrows it). Throws a TenantSourceError (code, hint)
 * when the table cannot be read.
 */
export async function planRun(
  config: CollectConfig,
  deps: Pick<PipelineDependencies, 'tenantSource' | 'logger' | 'region' | 'surface' | 'secrets'>,
  /** Read only the item with this primary key (when the source can), instead of scanning the table. */
  onlyItem?: readonly KeyAttribute[],
): Promise<RunPlan> {
  const secrets = runSecrets(config, deps);
  const logger = maskingLogger(deps.logger, secrets);
  let scan: TenantScan;
  try {
    const { tenantSource } = deps;
    scan = onlyItem?.length && tenantSource.readTenant ? await tenantSource.readTenant(onlyItem) : await tenantSource.scanTenants();
  } catch (error) {
    throw new TenantSourceError(tenantTableFailure(error, failureContextFor(config, { ...deps, secrets })), { cause: error });
  }
  for (const warning of scan.warnings) logger.warn(warning);
  // Learns every per-tenant ExternalId before anything about the items is said.
  const selection = selectTenants(scan.records, { status: config.tenantStatus, service: config.tenantService }, secrets);
  for (const warning of selection.warnings) logger.warn(warning);
  const invalidRecords = selection.invalidRecords.map((r) => ({ key: secrets.mask(r.key), reason: secrets.mask(r.reason) }));
  for (const invalid of invalidRecords) logger.warn(`Skipped tenant-table item ${invalid.key}: ${invalid.reason}`);
  const { tenants, unknownTenantIds } = narrowToRequested(selection.tenants, config.tenantIds);
  return { tenants, notSelected: unknownTenantIds.map((id) => notSelectedResult(id, config)), invalidRecords };
}

/**
 * The whole job: read the tenant table, collect every selected tenant (one
 * tenant's failure never touches another's report), then write the manifest.
 * Throws only when the tenant table cannot be read; then nothing is written.
 * The fan-out Lambdas run the same steps one by one: planRun, collectTenant, summarizeRun, writeManifest.
 *
 * @example The whole table, as the CLI and the scheduled Lambda run it
 * ```ts
 * import { collectRun, resolveCollectConfig } from '@orgmeta/core';
 * import { awsPipelineDependencies, resolveAwsRegion } from '@orgmeta/aws-adapters';
 * import { accountsCsvRenderer } from '@orgmeta/csv';
 *
 * const config = resolveCollectConfig({ flags: {}, env: process.env });
 * const region = await resolveAwsRegion();
 * const deps = awsPipelineDependencies({ config, region, surface: 'lambda', logger: console, render: accountsCsvRenderer(config) });
 * const { summary } = await collectRun(config, deps);
 * console.log(`${summary.totals.succeeded}/${summary.totals.tenants} tenant(s) collected`);
 * ```
 */
export async function collectRun(config: CollectConfig, appDeps: PipelineDependencies): Promise<RunOutcome> {
  // One masker for the whole run, so what planRun learns covers every tenant and the manifest.
  const deps = { ...appDeps, secrets: runSecrets(config, appDeps) };
  const clock = deps.clock ?? (() => new Date());
  const run = startRun(clock);
  // Held from before the tenant table is read until the manifest and the HTML report are written, however the run ends.
  return withRunLock(config, run, deps, () => collectLockedRun(config, deps, run, clock));
}

async function collectLockedRun(
  config: CollectConfig,
  deps: PipelineDependencies & { readonly secrets: SecretMasker },
  run: RunIdentity,
  clock: () => Date,
): Promise<RunOutcome> {
  const plan = await planRun(config, deps);
  maskingLogger(deps.logger, deps.secrets).info(`Collecting ${plan.tenants.length} tenant(s)`, {
    runId: run.runId,
    tenants: plan.tenants.length,
    invalidRecords: plan.invalidRecords.length,
  });
  deps.onTenantsSelected?.(plan.tenants.length + plan.notSelected.length);

  const limit = pLimit(config.tenantConcurrency);
  const collected = await Promise.all(
    plan.tenants.map((tenant) =>
      limit(async () => {
        const result = deps.signal?.aborted ? notStartedResult(tenant, deps.surface) : await collectTenant(tenant, config, deps, run);
        deps.onTenantFinished?.(result);
        return result;
      }),
    ),
  );
  plan.notSelected.forEach((result) => deps.onTenantFinished?.(result));
  const summary = summarizeRun(run, [...collected, ...plan.notSelected], plan.invalidRecords, clock());
  // Neither needs the other: written side by side, the run ends one round trip sooner.
  const [manifest, report] = await Promise.all([writeManifest(summary, config, deps), writeRunReport(summary, config, deps)]);
  return { summary, manifest, ...(report ? { report } : {}) };
}

/** The run summary (and manifest body) from every tenant's result. */
export function summarizeRun(
  run: RunIdentity,
  results: readonly TenantResult[],
  invalidRecords: readonly InvalidRecord[],
  finishedAt: Date,
): RunSummary {
  // A bus problem is the run's, not a tenant's: it moves to the top-level `eventsError`.
  const eventsErrors = [...new Set(results.flatMap((r) => (r.eventsError ? [r.eventsError] : [])))];
  const sorted = [...results].map(({ eventsError: _moved, ...entry }) => entry).sort((a, b) => byOrdinal(a.tenantId, b.tenantId));
  const succeeded = sorted.filter((r) => r.status === 'succeeded');
  const compared = succeeded.filter((r) => r.changes !== undefined);
  return {
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    tenants: sorted,
    invalidRecords,
    totals: {
      tenants: sorted.length,
      succeeded: succeeded.length,
      failed: sorted.length - succeeded.length,
      accounts: succeeded.reduce((sum, r) => sum + r.accounts, 0),
      ...(compared.length > 0 ? { changes: compared.reduce((sum, r) => sum + (r.changes?.total ?? 0), 0) } : {}),
    },
    ...(eventsErrors.length > 0 ? { eventsError: eventsErrors.join('; ') } : {}),
  };
}

function narrowToRequested(tenants: readonly Tenant[], requested: readonly string[]): { tenants: Tenant[]; unknownTenantIds: string[] } {
  const sorted = [...tenants].sort((a, b) => byOrdinal(a.tenantId, b.tenantId));
  if (requested.length === 0) return { tenants: sorted, unknownTenantIds: [] };
  const known = new Set(sorted.map((t) => t.tenantId));
  return {
    tenants: sorted.filter((t) => requested.includes(t.tenantId)),
    unknownTenantIds: requested.filter((id) => !known.has(id)),
  };
}

// Only the CLI narrows a run to some tenants.
const TENANT_FLAG = settingName('tenantIds', 'cli');

function notSelectedResult(tenantId: string, config: CollectConfig): TenantResult {
  return failedResult(
    { tenantId, tenantName: '' },
    {
      code: 'TenantNotSelected',
      message: `Tenant ${tenantId} (from ${TENANT_FLAG}) is not a valid tenant with status "${config.tenantStatus}" and service "${config.tenantService}" in table ${config.tableName}.`,
      hint: `Check the tenant_id, status and service attributes of its item in the tenant table (see invalidRecords), or drop that ${TENANT_FLAG}.`,
    },
  );
}

/** Rejects as soon as the signal aborts; reads have no side effects, so they can be abandoned. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function notStartedResult(tenant: Tenant, surface: Surface): TenantResult {
  return failedResult(tenant, {
    code: 'InterruptedError',
    message: 'The run was interrupted before this tenant started.',
    hint: rerunTenantHint(surface, tenant.tenantId),
  });
}

/** Runs one step; any error becomes a TenantCollectionError naming the step, the AWS code and a fix. */
async function step<T>(stage: CollectionStage, failureContext: FailureContext, action: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await untilAborted(action(), signal);
  } catch (error) {
    throw new TenantCollectionError(describeFailure(stage, error, failureContext), { cause: error });
  }
}

/**
 * Collects one tenant and writes its report to every sink of `deps`; never throws: a failure is the result's `error`.
 *
 * @example One tenant, into your own sinks (examples/custom-sink in the repository runs this end to end)
 * ```ts
 * const plan = await planRun({ ...config, tenantIds: ['111122223333'] }, deps);
 * const [tenant] = plan.tenants;
 * if (tenant) {
 *   const result = await collectTenant(tenant, config, deps, startRun());
 *   if (result.error) console.error(`${result.error.code}: ${result.error.message} (${result.error.hint})`);
 * }
 * ```
 */
export async function collectTenant(
  tenant: Tenant,
  config: CollectConfig,
  deps: PipelineDependencies,
  run: RunIdentity,
): Promise<TenantResult> {
  return collectTenantWith(tenant, config, deps, run);
}

/** A tenant collected in chunks: the checkpoint it resumes, when to pause, and the reader that records. */
interface ChunkRun {
  readonly pause: AbortSignal;
  readonly resumed?: TenantCheckpoint;
  readonly pauseOnThrottle: boolean;
  reader?: ResumableReader;
}

/** collectTenant; with `chunk`, a pause is thrown (CollectionPausedError) instead of failing the tenant. */
async function collectTenantWith(
  tenant: Tenant,
  config: CollectConfig,
  deps: PipelineDependencies,
  run: RunIdentity,
  chunk?: ChunkRun,
): Promise<TenantResult> {
  const { runId, startedAt } = run;
  // A resumed tenant's duration counts its earlier chunks too.
  const began = Date.now() - (chunk?.resumed?.elapsedMs ?? 0);
  const access = assumeRoleTargetFor(tenant, config, deps.region, runId);
  // The fan-out calls this without planRun: the tenant's own ExternalId is learnt here too.
  const secrets = runSecrets(config, deps);
  secrets.add(tenant.externalId);
  const failureContext = failureContextFor(config, { ...deps, secrets }, { tenantId: tenant.tenantId, roleArn: access.roleArn });
  const log = maskingLogger(deps.logger, secrets);
  const { signal } = deps;
  log.debug('Collecting tenant', { tenantId: tenant.tenantId, roleArn: access.roleArn });
  let baseline: Promise<PreviousSnapshot | undefined> = Promise.resolve(undefined);
  try {
    // A tenant without its own ExternalId is refused before any AWS call when the operator requires one.
    if (config.requireExternalId && !tenant.externalId) throw new TenantCollectionError(externalIdMissing(failureContext));
    // The baseline is read from our own outputs while the organization is read; awaited only once the tenant succeeded.
    baseline = loadBaseline(tenant.tenantId, config, deps.outputs, log);
    baseline.catch(() => undefined);
    const pace = chunk?.resumed?.organizationsRps;
    const connect = chunk ? { signal: chunk.pause, ...(pace === undefined ? {} : { organizationsRps: pace }) } : undefined;
    const connected = await step('AssumeRole', failureContext, () => deps.organizations.connect(access, connect), signal);
    const reader = chunk ? (chunk.reader = new ResumableReader(connected, chunk.pause, chunk.resumed, chunk.pauseOnThrottle)) : connected;
    const organization = await step('DescribeOrganization', failureContext, () => reader.describeOrganization(), signal);
    if (organization.managementAccountId !== tenant.tenantId) {
      log.warn(
        `Tenant ${tenant.tenantId}: the organization's management account is ${displaySafe(organization.managementAccountId)}, not the tenant ID; the role may be in a member account.`,
        { tenantId: tenant.tenantId },
      );
    }
    const { accounts, tags, details } = await collectAccounts(reader, organization, config, (stage, action) =>
      step(stage, failureContext, action, signal),
    );

    // Time is up just as the reads ended: the next chunk writes the outputs from the checkpoint alone,
    // with a whole invocation to do it, rather than racing this one's timeout.
    if (chunk?.pause.aborted) throw new CollectionPausedError('deadline');
    const report = buildReport(tenant, organization, accounts, tags, details, config.tagKeys, startedAt);
    const written = await writeTenantOutputs(report, baseline, config, deps, run, failureContext, log);
    const result: TenantResult = {
      tenantId: tenant.tenantId,
      tenantName: displayName(tenant),
      status: 'succeeded',
      accounts: report.accounts.length,
      ...written.locations,
      sha256: written.sha256,
      durationMs: Date.now() - began,
      ...written.facts,
      ...(written.eventsError ? { eventsError: written.eventsError } : {}),
    };
    const locations = written.locations;
    log.info(`Tenant ${tenant.tenantId}: ${report.accounts.length} account(s) collected`, {
      tenantId: tenant.tenantId,
      accounts: report.accounts.length,
      ...locations,
    });
    return result;
  } catch (error) {
    const paused = chunk ? pauseOf(error) : undefined;
    if (paused) throw paused;
    // Every step names its own stage; anything else is a fault of ours, not of AWS or the tenant.
    const details = describeFailure('Unexpected', error, failureContext);
    log.error(`Tenant ${tenant.tenantId} failed: ${details.code}: ${details.message}`, {
      tenantId: tenant.tenantId,
      code: details.code,
      hint: details.hint,
    });
    // A failed upload says whether the object is in the bucket anyway (docs/failure-behaviour.md).
    return { ...failedResult(tenant, details, Date.now() - began), ...writeEvidence(error) };
  }
}

/**
 * The output side of a tenant: reads its baseline before writing anything, writes every object
 * (accounts.csv first) to every sink, the snapshot pointer last (a failed tenant moves nothing),
 * then publishes its change events (an unreachable bus fails no tenant).
 */
async function writeTenantOutputs(
  report: TenantReport,
  baseline: Promise<PreviousSnapshot | undefined>,
  config: CollectConfig,
  deps: PipelineDependencies,
  run: RunIdentity,
  failureContext: FailureContext,
  log: Logger,
): Promise<{ locations: SinkLocations; sha256: string; facts: TenantOutputFacts; eventsError?: string }> {
  const { signal, outputs } = deps;
  const plan = planTenantOutputs(report, deps.render(report), await baseline, config, outputs, run);
  // accounts.csv first (the summary's locations, VersionIds and checksum are its own, as in Part 1),
  // then the other objects side by side; the table manifests once their Parquet objects are stored,
  // and the pointer last.
  const [csv, ...others] = plan.objects;
  const locations = await writeToSinks(csv, deps.sinks, failureContext, signal);
  await Promise.all(others.map((object) => writeToSinks(object, deps.sinks, failureContext, signal)));
  await Promise.all(plan.tableManifests.map((manifest) => writeTableManifest(manifest, deps.sinks, run.runId, failureContext, signal)));
  if (plan.pointer) await writeToSinks(plan.pointer, deps.sinks, failureContext, signal);
  const eventsError = await publishChangeEvents(plan.events, outputs?.events, log, report.tenant.tenantId);
  return { locations, sha256: plan.objects[0].sha256Hex, facts: plan.facts, ...(eventsError ? { eventsError } : {}) };
}

/** One object to every sink in order; the first sink that refuses it fails the tenant. */
async function writeToSinks(
  object: ReportObject,
  sinks: readonly ReportSink[],
  failureContext: FailureContext,
  signal: AbortSignal | undefined,
): Promise<SinkLocations> {
  let locations: SinkLocations = {};
  for (const sink of sinks) {
    const { stage } = REPORT_SINK_KINDS[sink.kind];
    // Writes are not abandoned but aborted, so nothing is left half-written.
    const stored = await step(stage, failureContext, () => sink.write(object, signal));
    locations = { ...storedFields(sink.kind, stored), ...locations };
  }
  return locations;
}

/**
 * A symlink manifest to each sink a query engine reads, listing that sink's URI of the Parquet object.
 * Written after every object of the tenant is stored, so a tenant that fails on the way adds none.
 */
async function writeTableManifest(
  manifest: TableManifest,
  sinks: readonly ReportSink[],
  runId: string,
  failureContext: FailureContext,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const sink of sinks) {
    const uri = sink.objectUri?.(manifest.target);
    if (uri === undefined) continue;
    await step(REPORT_SINK_KINDS[sink.kind].stage, failureContext, () => sink.write(tableManifestObject(manifest, [uri], runId), signal));
  }
}

/** Sends a tenant's change events; a bus that stays unreachable is a sentence for the summary, never a throw. */
async function publishChangeEvents(
  events: readonly ChangeEvent[],
  sink: ChangeEventSink | undefined,
  log: Logger,
  tenantId: string,
): Promise<string | undefined> {
  if (!sink || events.length === 0) return undefined;
  try {
    const outcome = await sink.publish(events);
    if (!outcome.error) return undefined;
    log.warn(`Tenant ${tenantId}: change events not all sent: ${outcome.error}`, { tenantId, sent: outcome.sent });
    return outcome.error;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`Tenant ${tenantId}: change events not sent: ${message}`, { tenantId });
    return message;
  }
}

/** The report's rows (sorted by account ID) and tag columns (fixed, or every key found, ordinal order). */
export function buildReport(
  tenant: Tenant,
  organization: TenantReport['organization'],
  accounts: readonly Account[],
  tags: ReadonlyMap<string, ReadonlyMap<string, string>>,
  details: CollectedDetails,
  fixedTagKeys: readonly string[] | undefined,
  collectedAt: Date,
): TenantReport {
  const unique = new Map(accounts.map((a) => [a.id, a]));
  const rows: AccountWithDetails[] = [...unique.values()]
    .sort((a, b) => byOrdinal(a.id, b.id))
    .map((account) => ({
      ...account,
      tags: tags.get(account.id) ?? new Map(),
      ouPath: details.ouPaths.get(account.id) ?? '',
      details: details.byAccount.get(account.id) ?? new Map(),
    }));
  const tagKeys = fixedTagKeys ?? [...new Set(rows.flatMap((r) => [...r.tags.keys()]))].sort(byOrdinal);
  return { tenant, organization, accounts: rows, tagKeys, collectedAt, detailColumns: details.columns };
}

/** Writes the summary as the run manifest to every sink; a failure is reported in the outcome, not thrown. */
export async function writeManifest(
  summary: RunSummary,
  config: CollectConfig,
  deps: Pick<PipelineDependencies, 'sinks' | 'logger' | 'secrets'>,
): Promise<ManifestOutcome> {
  const startedAt = new Date(summary.startedAt);
  const body = `${JSON.stringify(summary, null, 2)}\n`;
  const object: ReportObject = {
    key: manifestKey(config.prefix, startedAt, summary.runId),
    body,
    contentType: MANIFEST_CONTENT_TYPE,
    sha256Hex: sha256Hex(body),
    metadata: { 'run-id': summary.runId },
  };
  return writeRunObject(object, 'run manifest', deps);
}

/** The run's HTML report beside the manifest, through the same sinks; absent with `--no-html-report` or no renderer. */
export async function writeRunReport(
  summary: RunSummary,
  config: CollectConfig,
  deps: Pick<PipelineDependencies, 'sinks' | 'logger' | 'secrets' | 'outputs'>,
): Promise<ManifestOutcome | undefined> {
  const render = deps.outputs?.renderRunReport;
  if (!config.htmlReport || !render) return undefined;
  const key = runReportKey(config.prefix, new Date(summary.startedAt), summary.runId);
  return writeRunObject(runReportObject(key, render(buildRunReport(summary)), summary.runId), 'run report', deps);
}

/** Writes one run-level object to every sink; a failure is reported in the outcome, not thrown. */
async function writeRunObject(
  object: ReportObject,
  what: string,
  deps: Pick<PipelineDependencies, 'sinks' | 'logger' | 'secrets'>,
): Promise<ManifestOutcome> {
  let locations: SinkLocations = {};
  const problems: string[] = [];
  for (const sink of deps.sinks) {
    try {
      const stored = await sink.write(object);
      locations = { ...storedFields(sink.kind, stored), ...locations };
    } catch (error) {
      problems.push(`${sink.name}: ${safeText(error instanceof Error ? error.message : String(error), deps.secrets)}`);
    }
  }
  if (problems.length === 0) return locations;
  const error = `The ${what} could not be written (${problems.join('; ')})`;
  (deps.secrets ? maskingLogger(deps.logger, deps.secrets) : deps.logger).error(error);
  return { ...locations, error };
}

/** How a tenant is collected across invocations (the fan-out's CollectTenant task). */
export interface ChunkOptions {
  /** Aborts when this invocation must stop and save what it read (its time budget is up). */
  readonly pause: AbortSignal;
  /** Where the tenant's checkpoint is kept between chunks. */
  readonly store: CheckpointStore;
  /**
   * After this moment a chunk that would pause fails the tenant instead (`TenantOutOfTime`), so the
   * run's own time limit (the state machine's timeout) still leaves room for its manifest.
   */
  readonly stopPausingAt?: Date;
}

/** What one chunk did: the tenant's result, or a pause to resume after `waitSeconds`. */
export type ChunkOutcome =
  | {
      readonly status: 'done';
      readonly result: TenantResult;
      readonly chunks: number;
      /** A throttled failure whose checkpoint was kept: a retry of the task resumes it. */
      readonly retryable: boolean;
    }
  | { readonly status: 'paused'; readonly reason: PauseReason; readonly chunks: number; readonly waitSeconds: number };

/** Pauses in a row without a new answer after which the next chunk is the last that may stall (about 12 minutes of waits when throttled). */
export const MAX_STALLED_CHUNKS = 5;

/** The wait before the next chunk: none after a deadline; after throttling 30 s, doubling while it persists, at most 5 minutes. */
export function resumeWaitSeconds(reason: PauseReason, stalledChunks: number): number {
  if (reason === 'deadline') return 0;
  return Math.min(300, 30 * 2 ** Math.max(0, stalledChunks - 1));
}

/**
 * One chunk of a tenant's collection: resumes the tenant's checkpoint (if an earlier chunk left
 * one), reads what is left until `pause` aborts or the organization keeps throttling, then either
 * saves the checkpoint and says when to resume, or finishes: writes the tenant's outputs exactly as
 * {@link collectTenant} does (the same bytes for the same answers and run) and deletes the checkpoint.
 * A checkpoint holds the organization's answers only: no credentials, no ExternalId. A tenant ends
 * as a failed result when its chunks stop making progress (`TenantStalled`) or the run's time runs
 * out (`TenantOutOfTime`), so a tenant's loop always ends.
 */
export async function collectTenantChunk(
  tenant: Tenant,
  config: CollectConfig,
  deps: PipelineDependencies,
  run: RunIdentity,
  options: ChunkOptions,
): Promise<ChunkOutcome> {
  const key = checkpointKey(config.prefix, run.runId, tenant.tenantId);
  const log = maskingLogger(deps.logger, runSecrets(config, deps));
  const clock = deps.clock ?? (() => new Date());
  const resumed = await loadCheckpoint(options.store, key, run, tenant, log);
  const began = Date.now();
  // After MAX_STALLED_CHUNKS pauses that read nothing new, a throttled call fails the tenant, and a
  // deadline that again brings nothing new ends it as stalled (below).
  const lastChance = (resumed?.stalledChunks ?? 0) >= MAX_STALLED_CHUNKS;
  const chunk: ChunkRun = { pause: options.pause, ...(resumed ? { resumed } : {}), pauseOnThrottle: !lastChance };
  try {
    const result = await collectTenantWith(tenant, config, deps, run, chunk);
    // A throttled failure is retried by the fan-out's task retry (TenantThrottledError): keep what was read for it.
    const retryable = !lastChance && result.error !== undefined && isThrottlingCode(result.error.code);
    if (resumed && !retryable) await removeCheckpoint(options.store, key, log, tenant.tenantId);
    return { status: 'done', result, chunks: (resumed?.chunks ?? 0) + 1, retryable };
  } catch (error) {
    const paused = pauseOf(error);
    if (!paused || !chunk.reader) throw error;
    const elapsedMs = (resumed?.elapsedMs ?? 0) + Date.now() - began;
    const checkpoint = chunk.reader.checkpoint({ runId: run.runId, tenantId: tenant.tenantId }, elapsedMs);
    const accounts = checkpoint.accountPages.reduce((sum, page) => sum + page.accounts.length, 0);
    const giveUp = giveUpReason(checkpoint, paused.reason, accounts, clock(), options.stopPausingAt, deps.surface, tenant);
    if (giveUp) {
      log.error(`Tenant ${tenant.tenantId} failed: ${giveUp.code}: ${giveUp.message}`, { tenantId: tenant.tenantId, code: giveUp.code });
      if (resumed) await removeCheckpoint(options.store, key, log, tenant.tenantId);
      return { status: 'done', result: failedResult(tenant, giveUp, elapsedMs), chunks: checkpoint.chunks, retryable: false };
    }
    const body = encodeCheckpoint(checkpoint);
    await options.store.save({
      key,
      body,
      contentType: CHECKPOINT_CONTENT_TYPE,
      sha256Hex: sha256Hex(body),
      metadata: { 'run-id': run.runId },
    });
    const waitSeconds = resumeWaitSeconds(paused.reason, checkpoint.stalledChunks);
    log.info(
      `Tenant ${tenant.tenantId}: paused (${paused.reason}) after chunk ${checkpoint.chunks}, ${accounts} account(s) listed so far`,
      {
        tenantId: tenant.tenantId,
        reason: paused.reason,
        chunks: checkpoint.chunks,
        waitSeconds,
      },
    );
    return { status: 'paused', reason: paused.reason, chunks: checkpoint.chunks, waitSeconds };
  }
}

/** Why a pausing tenant ends as failed instead: no progress after its last chance, or no time left in the run. */
function giveUpReason(
  checkpoint: TenantCheckpoint,
  reason: PauseReason,
  accounts: number,
  now: Date,
  stopPausingAt: Date | undefined,
  surface: Surface,
  tenant: Tenant,
): FailureDetails | undefined {
  if (checkpoint.stalledChunks > MAX_STALLED_CHUNKS) {
    return {
      code: 'TenantStalled',
      message: `The organization answered nothing new in ${checkpoint.stalledChunks} invocations in a row (${reason === 'throttled' ? 'throttled' : 'out of time'}); ${accounts} account(s) had been listed.`,
      hint: stalledTenantHint(surface, tenant.tenantId),
    };
  }
  if (stopPausingAt && now.getTime() >= stopPausingAt.getTime()) {
    return {
      code: 'TenantOutOfTime',
      message: `The tenant was still being collected after ${checkpoint.chunks} invocations when the run's time ran out (${accounts} account(s) listed); it was stopped so the run can write its manifest.`,
      hint: `Collect this tenant on its own, with the CLI (no time limit) or a run of its own. ${rerunTenantHint(surface, tenant.tenantId)}`,
    };
  }
  return undefined;
}

/** The tenant's checkpoint of this run, if any; one that cannot be read as such is started over, with a warning. */
async function loadCheckpoint(
  store: CheckpointStore,
  key: string,
  run: RunIdentity,
  tenant: Tenant,
  log: Logger,
): Promise<TenantCheckpoint | undefined> {
  const bytes = await store.load(key);
  if (!bytes) return undefined;
  try {
    const checkpoint = decodeCheckpoint(bytes);
    if (checkpoint.runId === run.runId && checkpoint.tenantId === tenant.tenantId) return checkpoint;
    log.warn(`Tenant ${tenant.tenantId}: the checkpoint at ${key} belongs to another run or tenant; collecting from the start`);
  } catch (error) {
    log.warn(
      `Tenant ${tenant.tenantId}: the checkpoint at ${key} is unreadable (${error instanceof Error ? error.message : String(error)}); collecting from the start`,
    );
  }
  return undefined;
}

/** A finished tenant's checkpoint goes; one left behind only costs storage until the run files expire. */
async function removeCheckpoint(store: CheckpointStore, key: string, log: Logger, tenantId: string): Promise<void> {
  try {
    await store.remove(key);
  } catch (error) {
    log.warn(
      `Tenant ${tenantId}: its checkpoint ${key} could not be deleted (${error instanceof Error ? error.message : String(error)}); it expires with the run's files`,
      { tenantId },
    );
  }
}
