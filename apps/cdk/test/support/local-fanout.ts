import { randomUUID } from 'node:crypto';
import type { TenantResult } from '@orgmeta/core';
import { createBucket, emulatorEnvironment, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { collectorEnvironment, type WiredSettings } from '../../src/collector-environment';
import { resetLambdaComposition } from '../../src/handlers/composition';
import { collectOneTenant, listTenants, writeRunManifest, type ListTenantsOutput, type SummarizeEvent } from '../../src/handlers/fanout';
import { runDistributedMap, type ChildInput } from './distributed-map';

/**
 * The whole fan-out flow in one process, in the shape of the synthesized definition
 * (constructs/fanout-collector.ts): plan (ListTenantsTask) → Distributed Map over the JSONL list, one
 * child per line with the Map's MaxConcurrency (CollectTenantTask, its retry on TenantThrottledError
 * and its catch into TenantTaskFailed) → result files in the ResultWriter layout → summarize
 * (WriteManifestTask). moto cannot run this Map (no JSONL item reader, no result files), so this
 * plays Step Functions; the handlers are the real ones, talking to the emulator through the SDK.
 */

/** The Lambda environment of the fan-out's three functions, as the construct sets it, pointed at an emulator. */
export function fanoutLambdaEnvironment(
  endpoint: string,
  wired: WiredSettings,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...emulatorEnvironment(endpoint), ...collectorEnvironment(wired, extra) };
}

/** A fleet of tenants whose organizations the fault proxy answers (moto's CreateAccount is too slow for thousands). */
export interface SyntheticFleet {
  readonly proxy: FaultProxy;
  readonly tenantIds: readonly string[];
  /** Tenants whose AssumeRole the proxy denies (AccessDenied): failed results of the run. */
  readonly failingIds: readonly string[];
}

/**
 * Seeds the tenant table (each tenant with its ExternalId, as REQUIRE_EXTERNAL_ID=true wants) and the
 * report bucket in moto, and starts the fault proxy in front of it: tenant i is the synthetic
 * organization `64xxxxxxxxxx` with `accountsPerTenant` accounts; every `tenants / failing`-th tenant is denied AssumeRole.
 */
export async function startSyntheticFleet(options: {
  readonly motoEndpoint: string;
  readonly table: string;
  readonly bucket: string;
  readonly tenants: number;
  readonly accountsPerTenant: number;
  readonly failing: number;
  /** Tells this fleet's IDs from another's in the same moto (0 to 99). */
  readonly fleetNumber: number;
  /** The first `count` tenants have `accounts` accounts instead (tenants that need several invocations). */
  readonly largeTenants?: { readonly count: number; readonly accounts: number };
}): Promise<SyntheticFleet> {
  const tenantIds = Array.from(
    { length: options.tenants },
    (_, i) => `64${String(options.fleetNumber).padStart(2, '0')}${String(i).padStart(8, '0')}`,
  );
  const step = Math.floor(options.tenants / Math.max(1, options.failing));
  const failingIds = tenantIds.filter((_, i) => i % step === step - 1).slice(0, options.failing);
  const denied = new Set(failingIds);
  await seedTenantTable(
    options.motoEndpoint,
    options.table,
    tenantIds.map((id, i) => tenantItem(id, { name: `Tenant ${i}`, externalId: `flow-external-id-${i}` })),
  );
  await createBucket(options.motoEndpoint, options.bucket);
  const proxy = await startFaultProxy({
    target: options.motoEndpoint,
    syntheticOrganizations: Object.fromEntries(
      tenantIds.map((id, i) => [
        id,
        { accounts: i < (options.largeTenants?.count ?? 0) ? (options.largeTenants?.accounts ?? 0) : options.accountsPerTenant },
      ]),
    ),
    rules: [
      {
        when: (call) => call.operation === 'AssumeRole' && denied.has(/^arn:aws:iam::(\d{12}):/.exec(call.roleArn ?? '')?.[1] ?? ''),
        respond: { kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRole (fault proxy)' },
      },
    ],
  });
  return { proxy, tenantIds, failingIds };
}

/** A JSON value that travels in the execution state, and its size. */
export interface StatePayload {
  readonly what: string;
  readonly bytes: number;
}

export interface FanoutFlowOutcome {
  readonly run: ListTenantsOutput;
  readonly summarizeInput: SummarizeEvent;
  /** The execution's end: the summarize step fails it when any tenant failed (RunFailedError). */
  readonly execution: { readonly status: 'SUCCEEDED' } | { readonly status: 'FAILED'; readonly error: string; readonly cause: string };
  /** The largest payload seen in the state: handler inputs and outputs, and the state itself between steps. */
  readonly largestPayload: StatePayload;
  /** How many payloads were measured. */
  readonly payloadsMeasured: number;
  readonly children: number;
  /** CollectTenantTask invocations over all children (more than `children` when tenants resumed). */
  readonly invocations: number;
  /** CollectTenantTask invocations per tenant ID. */
  readonly invocationsByTenant: ReadonlyMap<string, number>;
  /** Most child executions running at once: the Map's MaxConcurrency when the fleet is larger. */
  readonly peakChildrenInFlight: number;
}

/** The parts of the Lambda context the handlers read, with a fixed remaining time. */
function lambdaContext(functionName: string, timeoutMs: number) {
  return { awsRequestId: randomUUID(), functionName, getRemainingTimeInMillis: () => timeoutMs };
}

/** TenantThrottledError retries (maxAttempts 4 in the definition), without the 30 s waits. */
const THROTTLED_ATTEMPTS = 4;

/** What the TenantTaskFailed Pass state makes of a task that failed past its retries (its `parameters`). */
function taskFailedRecord(input: ChildInput, error: string): TenantResult {
  return {
    tenantId: input.tenant.tenantId,
    tenantName: input.tenant.tenantName,
    status: 'failed',
    accounts: 0,
    durationMs: 0,
    error: {
      code: error,
      message: `The tenant task failed after its retries with ${error}.`,
      hint: 'See the CollectTenant logs of this run for the cause; the next run collects the tenant again.',
    },
  };
}

/** The collect task called without a Lambda context never pauses: its answer is the tenant's record. */
export async function collectRecord(event: Parameters<typeof collectOneTenant>[0]): Promise<TenantResult> {
  const answer = await collectOneTenant(event);
  if ('resume' in answer) throw new Error(`The tenant task paused without a deadline: ${JSON.stringify(answer)}`);
  return answer;
}

/** The collect function's timeout (constructs/fanout-collector.ts): what a real invocation has left at its start. */
const COLLECT_TIMEOUT_MS = 15 * 60_000;

/** What one child execution did: its record, and how often it ran the task and waited. */
interface ChildRun {
  readonly output: TenantResult;
  readonly invocations: number;
  readonly waitedSeconds: number;
}

/**
 * One child execution (the Map's ItemProcessor): CollectTenantTask with its retry and catch, then `TenantPaused?`: a `{ resume }`
 * answer goes through WaitBeforeResuming (counted, not slept) back to the task; a record ends the
 * child (TenantCollected). The child always succeeds with a record.
 */
async function collectTenantTask(
  input: ChildInput,
  remainingMs: number,
  measure: (what: string, value: unknown) => void,
): Promise<ChildRun> {
  let invocations = 0;
  let waitedSeconds = 0;
  for (let attempt = 1; ;) {
    try {
      invocations += 1;
      const output = await collectOneTenant(input, lambdaContext('CollectTenant', remainingMs));
      if (!('resume' in output)) return { output, invocations, waitedSeconds };
      measure('collect task answer { resume }', output);
      waitedSeconds += output.resume.waitSeconds;
      // The loop enters CollectTenantTask anew: Step Functions counts its retries from zero again.
      attempt = 1;
    } catch (error) {
      // Step Functions names a Lambda's error by its errorType, the thrown error's name.
      const name = error instanceof Error ? error.name : 'Error';
      if (name !== 'TenantThrottledError' || attempt >= THROTTLED_ATTEMPTS) {
        return { output: taskFailedRecord(input, name), invocations, waitedSeconds };
      }
      attempt += 1;
    }
  }
}

/**
 * Runs plan → Map → summarize with the environment given (applied to process.env, as each Lambda
 * would see it), measuring every payload that would travel in the execution state.
 */
export async function runFanoutFlow(options: {
  readonly environment: Record<string, string>;
  /** Where the Map's item reader and result writer reach S3 (the emulator). */
  readonly s3Endpoint: string;
  readonly maxConcurrency: number;
  /** What each collect invocation has left at its start (default: the function's 15-minute timeout). */
  readonly collectRemainingMs?: number;
}): Promise<FanoutFlowOutcome> {
  Object.assign(process.env, options.environment);
  resetLambdaComposition();
  let largestPayload: StatePayload = { what: 'none', bytes: 0 };
  let payloadsMeasured = 0;
  const measure = (what: string, value: unknown) => {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
    payloadsMeasured += 1;
    if (bytes > largestPayload.bytes) largestPayload = { what, bytes };
  };
  // The execution's input (EventBridge Scheduler sends {}), then FindRunningExecutions' count: this run only.
  const state: Record<string, unknown> = { running: { count: 1 } };
  const run = await listTenants({}, lambdaContext('ListTenants', 5 * 60_000));
  measure('plan output', run);
  state.run = run;
  measure('state after the plan', state);
  let children = 0;
  let invocations = 0;
  const invocationsByTenant = new Map<string, number>();
  let inFlight = 0;
  let peakChildrenInFlight = 0;
  const map = await runDistributedMap(
    run,
    async (input) => {
      children += 1;
      peakChildrenInFlight = Math.max(peakChildrenInFlight, ++inFlight);
      measure('child input', input);
      const child = await collectTenantTask(input, options.collectRemainingMs ?? COLLECT_TIMEOUT_MS, measure);
      const { output } = child;
      invocations += child.invocations;
      invocationsByTenant.set(input.tenant.tenantId, child.invocations);
      inFlight -= 1;
      measure('child output', output);
      return { status: 'SUCCEEDED', output };
    },
    { maxConcurrency: options.maxConcurrency, endpoint: options.s3Endpoint },
  );
  state.results = map;
  measure('state after the Map', state);
  const summarizeInput: SummarizeEvent = { runId: run.runId, startedAt: run.startedAt, resultWriterDetails: map.ResultWriterDetails };
  measure('summarize input', summarizeInput);
  let execution: FanoutFlowOutcome['execution'];
  try {
    measure('summarize output', await writeRunManifest(summarizeInput));
    execution = { status: 'SUCCEEDED' };
  } catch (error) {
    execution = {
      status: 'FAILED',
      error: error instanceof Error ? error.name : 'Error',
      cause: error instanceof Error ? error.message : String(error),
    };
  }
  return {
    run,
    summarizeInput,
    execution,
    largestPayload,
    payloadsMeasured,
    children,
    invocations,
    invocationsByTenant,
    peakChildrenInFlight,
  };
}
