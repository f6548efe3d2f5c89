/**
 * `npm run capacity`: the capacity model of docs/deployment.md — for fleets of 100 / 1,000 / 5,000
 * tenants x 50 / 1,000 / 10,000 accounts at 5 / 10 / 20 Organizations requests/s per organization:
 * per-tenant time, Lambda invocations per tenant, wall time of the fan-out, state transitions and
 * an order-of-magnitude cost per run, and which run shape fits. A model, not a measurement: its
 * inputs are the measured calls per account (`npm run bench -- --details`) and AWS's list prices.
 */

/** What the model assumes; every figure it prints follows from these. */
export interface CapacityAssumptions {
  /** Organizations calls per account: one ListTagsForResource, plus a ListAccounts page per 20 (measured 1.050). */
  readonly callsPerAccount: number;
  /** Seconds a tenant spends outside the paced calls: AssumeRole, DescribeOrganization, its writes. */
  readonly fixedSecondsPerTenant: number;
  /** Seconds of collection one invocation does before it saves a checkpoint (15 minutes less a safety margin). */
  readonly secondsPerInvocation: number;
  /** Tenants the fan-out's Distributed Map runs at once. */
  readonly mapConcurrency: number;
  /** Tenants the single-Lambda shape (and the CLI) collects at once (`--tenant-concurrency`). */
  readonly tenantConcurrency: number;
  /** The collect function's memory, MB. */
  readonly lambdaMemoryMb: number;
  /** Objects a tenant writes per run (reports, Parquet, changes, table manifests, pointer, result). */
  readonly putsPerTenant: number;
}

export const DEFAULT_ASSUMPTIONS: CapacityAssumptions = {
  callsPerAccount: 1.05,
  fixedSecondsPerTenant: 2,
  secondsPerInvocation: 13 * 60,
  mapConcurrency: 50,
  tenantConcurrency: 8,
  lambdaMemoryMb: 512,
  putsPerTenant: 10,
};

/** List prices (us-east-1, 2026): enough for an order of magnitude. */
const PRICES = {
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerRequest: 0.2 / 1_000_000,
  stepFunctionsPerTransition: 0.025 / 1000,
  s3PerPut: 0.005 / 1000,
};

export interface FleetShape {
  readonly tenants: number;
  readonly accountsPerTenant: number;
  /** Organizations requests per second per organization (`--org-rps`). */
  readonly requestsPerSecond: number;
}

export type RunShape = 'single Lambda' | 'fan-out';

export interface CapacityEstimate extends FleetShape {
  readonly secondsPerTenant: number;
  readonly invocationsPerTenant: number;
  /** Wall time of the fan-out: waves of `mapConcurrency` tenants, one after another. */
  readonly fanOutWallSeconds: number;
  /** Wall time of one process collecting `tenantConcurrency` tenants at once (single Lambda or CLI). */
  readonly singleProcessWallSeconds: number;
  readonly stateTransitions: number;
  readonly costUsd: number;
  readonly shape: RunShape;
}

/** The model for one fleet shape. */
export function estimateCapacity(fleet: FleetShape, assumptions: CapacityAssumptions = DEFAULT_ASSUMPTIONS): CapacityEstimate {
  const secondsPerTenant =
    assumptions.fixedSecondsPerTenant + (fleet.accountsPerTenant * assumptions.callsPerAccount) / fleet.requestsPerSecond;
  const invocationsPerTenant = Math.ceil(secondsPerTenant / assumptions.secondsPerInvocation);
  const waves = (concurrency: number) => Math.ceil(fleet.tenants / concurrency);
  const fanOutWallSeconds = waves(assumptions.mapConcurrency) * secondsPerTenant;
  const singleProcessWallSeconds = waves(assumptions.tenantConcurrency) * secondsPerTenant;
  // A child: start, collect, "done?" choice, end; each further invocation adds wait, collect, choice.
  // The parent: plan, the map, summarize, start and end.
  const stateTransitions = fleet.tenants * (4 + 3 * (invocationsPerTenant - 1)) + 5;
  const lambdaSeconds = fleet.tenants * secondsPerTenant;
  const costUsd =
    lambdaSeconds * (assumptions.lambdaMemoryMb / 1024) * PRICES.lambdaPerGbSecond +
    fleet.tenants * invocationsPerTenant * PRICES.lambdaPerRequest +
    stateTransitions * PRICES.stepFunctionsPerTransition +
    fleet.tenants * (assumptions.putsPerTenant + invocationsPerTenant - 1) * PRICES.s3PerPut;
  // The single-Lambda shape must finish in one invocation (the same margin as a fan-out chunk).
  const shape: RunShape = singleProcessWallSeconds <= assumptions.secondsPerInvocation ? 'single Lambda' : 'fan-out';
  return {
    ...fleet,
    secondsPerTenant,
    invocationsPerTenant,
    fanOutWallSeconds,
    singleProcessWallSeconds,
    stateTransitions,
    costUsd,
    shape,
  };
}

/** Every fleet shape of the grid, in print order. */
export function capacityGrid(assumptions: CapacityAssumptions = DEFAULT_ASSUMPTIONS): CapacityEstimate[] {
  const estimates: CapacityEstimate[] = [];
  for (const tenants of [100, 1000, 5000]) {
    for (const accountsPerTenant of [50, 1000, 10_000]) {
      for (const requestsPerSecond of [5, 10, 20])
        estimates.push(estimateCapacity({ tenants, accountsPerTenant, requestsPerSecond }, assumptions));
    }
  }
  return estimates;
}

/** `90 s`, `14 min`, `3.2 h`: the unit a person reads at a glance. */
export function humanDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `$0.004`, `$0.31`, `$12`: two significant figures are all a model of this kind supports. */
export function roughDollars(usd: number): string {
  return `$${usd < 1 ? Number(usd.toPrecision(1)).toString() : Number(usd.toPrecision(2)).toString()}`;
}

/** The grid as a Markdown table. */
export function capacityTable(estimates: readonly CapacityEstimate[]): string {
  const header =
    '| tenants | accounts each | req/s per org | per tenant | invocations per tenant | fan-out wall | transitions | cost per run | fits |';
  const lines = estimates.map((e) =>
    [
      e.tenants.toLocaleString('en-US'),
      e.accountsPerTenant.toLocaleString('en-US'),
      e.requestsPerSecond,
      humanDuration(e.secondsPerTenant),
      e.invocationsPerTenant,
      humanDuration(e.fanOutWallSeconds),
      e.stateTransitions.toLocaleString('en-US'),
      roughDollars(e.costUsd),
      e.shape,
    ].join(' | '),
  );
  return [header, '|---:|---:|---:|---:|---:|---:|---:|---:|---|', ...lines.map((line) => `| ${line} |`)].join('\n');
}

if (require.main === module) {
  const a = DEFAULT_ASSUMPTIONS;
  console.log(
    `Capacity model: ${a.callsPerAccount} Organizations calls per account, ${a.fixedSecondsPerTenant} s fixed per tenant, ` +
      `${a.secondsPerInvocation / 60} min per invocation, Distributed Map concurrency ${a.mapConcurrency}, ` +
      `single Lambda ${a.tenantConcurrency} tenants at once, ${a.lambdaMemoryMb} MB\n`,
  );
  console.log(capacityTable(capacityGrid()));
}
