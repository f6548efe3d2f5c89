import { coverageShare, limitAccountsMissing } from './tag-coverage';
import type { TagCoverage, TagKeyCoverage } from './tag-coverage';
import type { Account, InvalidRecord, RunSummary, TenantResult, TenantStatus } from './types';

/**
 * The run report (SPEC Part 2, "Fleet report"): what a person wants to see of one run, for the
 * whole fleet and per tenant, computed once here so every rendering (the HTML page today) only
 * lays it out. Built from the run summary plus the per-tenant facts the summary does not carry
 * (yet): accounts by state, changes since the previous snapshot, required-tag coverage.
 */

/** Changes since the tenant's previous snapshot, as the summary records them (SPEC Part 2). */
export interface TenantChangeCounts {
  readonly previousRunId: string;
  /** Accounts in this snapshot and not in the previous one. */
  readonly added: number;
  /** Accounts in the previous snapshot and not in this one. */
  readonly removed: number;
  /** Accounts with at least one other change. */
  readonly modified: number;
  /** Change rows. */
  readonly total: number;
}

/** What the run learnt of one tenant beyond its summary entry. Every field is optional. */
export interface TenantReportDetails {
  /** Accounts by `account_state` (see `countAccountStates`). */
  readonly accountStates?: Readonly<Record<string, number>>;
  /** Absent: changes were not detected in this run; `null`: the tenant had no earlier snapshot. */
  readonly changes?: TenantChangeCounts | null;
  readonly tagCoverage?: TagCoverage;
}

/** A run summary whose tenant entries may already carry the details (as the manifest will). */
export type RunReportSource = Omit<RunSummary, 'tenants'> & { readonly tenants: readonly (TenantResult & TenantReportDetails)[] };

/** Extra inputs of {@link buildRunReport}. */
export interface RunReportOptions {
  /** Details per tenant ID; they win over the same fields on the summary's entries. */
  readonly details?: Readonly<Record<string, TenantReportDetails>>;
  /** Most accounts missing tags listed per tenant (the page stays small; tag-coverage.csv has them all). Default 100. */
  readonly maxAccountsMissingListed?: number;
}

/** How many accounts are in one `account_state`. */
export interface StateCount {
  /** The `account_state`. */
  readonly state: string;
  /** How many accounts. */
  readonly accounts: number;
}

/** A tenant's changes as the run report shows them. */
export type ChangesView =
  /** Changes were not detected in this run (`--no-changes`, or a failed tenant). */
  | { readonly status: 'not-detected' }
  /** The tenant had no earlier snapshot to compare with. */
  | { readonly status: 'first-snapshot' }
  | ({ readonly status: 'compared' } & TenantChangeCounts);

/** A failed tenant as the run report shows it. */
export interface RunReportFailure {
  readonly tenantId: string;
  readonly tenantName: string;
  /** The AWS error code (e.g. `AccessDenied`). */
  readonly code: string;
  readonly message: string;
  /** What an operator should do about it. */
  readonly hint: string;
}

/** One tenant as the run report shows it. */
export interface RunReportTenant {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly status: TenantStatus;
  readonly accounts: number;
  readonly durationMs: number;
  /** Where the report went: its S3 key, else its local path. */
  readonly location?: string;
  /** In `ACCOUNT_STATE_ORDER`, then by name; only states with accounts. */
  readonly accountStates: readonly StateCount[];
  readonly changes: ChangesView;
  /** `null` when no tags were required or the tenant failed. */
  readonly tagCoverage: TagCoverage | null;
  readonly failure: RunReportFailure | null;
}

/** Change counts over every tenant of a run, for the run report. */
export interface FleetChanges {
  /** Tenants compared with an earlier snapshot. */
  readonly tenantsCompared: number;
  /** Tenants collected for the first time (nothing to compare with). */
  readonly tenantsFirstSnapshot: number;
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
  readonly total: number;
}

/** Required-tag coverage over every tenant of a run, for the run report. */
export interface FleetTagCoverage {
  readonly requiredTags: readonly string[];
  /** Tenants whose coverage was measured. */
  readonly tenantsMeasured: number;
  readonly activeAccounts: number;
  readonly fullyTagged: number;
  /** ACTIVE accounts missing at least one required key, across the fleet. */
  readonly accountsMissing: number;
  /** `fullyTagged / activeAccounts`, `null` with no ACTIVE account. */
  readonly fullyTaggedShare: number | null;
  readonly keys: readonly TagKeyCoverage[];
}

/** The view model of the run report page (rendered by `@orgmeta/html-report`). */
export interface RunReport {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly fleet: {
    readonly tenants: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly accounts: number;
    /** Summed across tenants. */
    readonly accountStates: readonly StateCount[];
    /** `null` when changes were not detected for any tenant. */
    readonly changes: FleetChanges | null;
    /** `null` when no tenant measured coverage. */
    readonly tagCoverage: FleetTagCoverage | null;
  };
  /** Failed tenants, in summary order, each with its code, message and hint. */
  readonly failures: readonly RunReportFailure[];
  readonly tenants: readonly RunReportTenant[];
  readonly invalidRecords: readonly InvalidRecord[];
}

/** The order states are shown in: the live state first, then on the way in, on the way out. Others follow by name. */
export const ACCOUNT_STATE_ORDER: readonly string[] = ['ACTIVE', 'PENDING_ACTIVATION', 'PENDING_CLOSURE', 'SUSPENDED', 'CLOSED'];

/** Stands for the accounts of a succeeded tenant whose states were not recorded, so states always add up to accounts. */
export const UNRECORDED_STATE = 'UNKNOWN';

const DEFAULT_MAX_ACCOUNTS_MISSING_LISTED = 100;

/** Accounts by `account_state`, for the summary entry of a tenant. */
export function countAccountStates(accounts: readonly Pick<Account, 'state'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { state } of accounts) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

function compareStates(a: string, b: string): number {
  const rank = (state: string) => {
    const index = ACCOUNT_STATE_ORDER.indexOf(state);
    return index === -1 ? ACCOUNT_STATE_ORDER.length : index;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function stateCounts(counts: ReadonlyMap<string, number>): StateCount[] {
  return [...counts]
    .filter(([, accounts]) => accounts > 0)
    .sort(([a], [b]) => compareStates(a, b))
    .map(([state, accounts]) => ({ state, accounts }));
}

function tenantStates(tenant: TenantResult, recorded: Readonly<Record<string, number>> | undefined): Map<string, number> {
  if (recorded) return new Map(Object.entries(recorded));
  return new Map(tenant.status === 'succeeded' && tenant.accounts > 0 ? [[UNRECORDED_STATE, tenant.accounts]] : []);
}

function changesView(tenant: TenantResult, changes: TenantChangeCounts | null | undefined): ChangesView {
  if (tenant.status === 'failed' || changes === undefined) return { status: 'not-detected' };
  if (changes === null) return { status: 'first-snapshot' };
  return { status: 'compared', ...changes };
}

function failureOf(tenant: TenantResult): RunReportFailure | null {
  if (tenant.status !== 'failed') return null;
  return {
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    code: tenant.error?.code ?? 'Unknown',
    message: tenant.error?.message ?? '',
    hint: tenant.error?.hint ?? '',
  };
}

function fleetChanges(tenants: readonly RunReportTenant[]): FleetChanges | null {
  const detected = tenants.filter((t) => t.changes.status !== 'not-detected');
  if (detected.length === 0) return null;
  const totals = { tenantsCompared: 0, tenantsFirstSnapshot: 0, added: 0, removed: 0, modified: 0, total: 0 };
  for (const { changes } of detected) {
    if (changes.status === 'compared') {
      totals.tenantsCompared += 1;
      totals.added += changes.added;
      totals.removed += changes.removed;
      totals.modified += changes.modified;
      totals.total += changes.total;
    } else {
      totals.tenantsFirstSnapshot += 1;
    }
  }
  return totals;
}

function fleetTagCoverage(tenants: readonly RunReportTenant[]): FleetTagCoverage | null {
  const measured = tenants.flatMap((t) => (t.tagCoverage ? [t.tagCoverage] : []));
  if (measured.length === 0) return null;
  // Every tenant of a run has the same required keys; a union keeps first-seen order if not.
  const requiredTags = [...new Set(measured.flatMap((c) => c.requiredTags))];
  const keys = requiredTags.map((key): TagKeyCoverage => {
    let present = 0;
    let whole = 0;
    for (const coverage of measured) {
      const entry = coverage.keys.find((k) => k.key === key);
      if (!entry) continue;
      present += entry.present;
      whole += coverage.activeAccounts;
    }
    return { key, present, missing: whole - present, share: coverageShare(present, whole) };
  });
  const activeAccounts = measured.reduce((sum, c) => sum + c.activeAccounts, 0);
  const fullyTagged = measured.reduce((sum, c) => sum + c.fullyTagged, 0);
  return {
    requiredTags,
    tenantsMeasured: measured.length,
    activeAccounts,
    fullyTagged,
    accountsMissing: measured.reduce((sum, c) => sum + c.accountsMissing, 0),
    fullyTaggedShare: coverageShare(fullyTagged, activeAccounts),
    keys,
  };
}

/** Builds the run report view model. Pure: the same inputs give the same model. */
export function buildRunReport(summary: RunReportSource, options: RunReportOptions = {}): RunReport {
  const maxListed = options.maxAccountsMissingListed ?? DEFAULT_MAX_ACCOUNTS_MISSING_LISTED;
  const fleetStates = new Map<string, number>();

  const tenants = summary.tenants.map((entry): RunReportTenant => {
    const details: TenantReportDetails = { ...pickDetails(entry), ...options.details?.[entry.tenantId] };
    const states = tenantStates(entry, details.accountStates);
    for (const [state, count] of states) fleetStates.set(state, (fleetStates.get(state) ?? 0) + count);
    const coverage = entry.status === 'succeeded' && details.tagCoverage ? limitAccountsMissing(details.tagCoverage, maxListed) : null;
    const location = entry.s3Key ?? entry.localPath;
    return {
      tenantId: entry.tenantId,
      tenantName: entry.tenantName,
      status: entry.status,
      accounts: entry.accounts,
      durationMs: entry.durationMs,
      ...(location === undefined ? {} : { location }),
      accountStates: stateCounts(states),
      changes: changesView(entry, details.changes),
      tagCoverage: coverage,
      failure: failureOf(entry),
    };
  });

  return {
    runId: summary.runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    durationMs: Math.max(0, Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) || 0,
    fleet: {
      tenants: summary.totals.tenants,
      succeeded: summary.totals.succeeded,
      failed: summary.totals.failed,
      accounts: summary.totals.accounts,
      accountStates: stateCounts(fleetStates),
      changes: fleetChanges(tenants),
      tagCoverage: fleetTagCoverage(tenants),
    },
    failures: tenants.flatMap((t) => (t.failure ? [t.failure] : [])),
    tenants,
    invalidRecords: summary.invalidRecords,
  };
}

/** Only the detail fields of a summary entry (which may be a plain `TenantResult`). */
function pickDetails(entry: TenantResult & TenantReportDetails): TenantReportDetails {
  const details: { -readonly [K in keyof TenantReportDetails]: TenantReportDetails[K] } = {};
  if (entry.accountStates !== undefined) details.accountStates = entry.accountStates;
  if (entry.changes !== undefined) details.changes = entry.changes;
  if (entry.tagCoverage !== undefined) details.tagCoverage = entry.tagCoverage;
  return details;
}
