import type { AccountWithDetails, TenantReport } from './types';

/**
 * The 15 fixed columns of every accounts report (SPEC "CSV report"), in order; the
 * snapshot, its CSV and its Parquet share these names.
 */
export const SNAPSHOT_FIXED_COLUMNS = [
  'tenant_id',
  'tenant_name',
  'organization_id',
  'organization_arn',
  'management_account_id',
  'management_account_email',
  'account_id',
  'account_arn',
  'account_name',
  'account_email',
  'account_state',
  'joined_method',
  'joined_timestamp',
  'ou_path',
  'collected_at',
] as const;

/** One of the fixed columns every snapshot and report has. */
export type SnapshotFixedColumn = (typeof SNAPSHOT_FIXED_COLUMNS)[number];

/** Fixed columns that hold an instant (ISO 8601 UTC with milliseconds in CSV, TIMESTAMP in Parquet). */
export const SNAPSHOT_TIMESTAMP_COLUMNS: readonly SnapshotFixedColumn[] = ['joined_timestamp', 'collected_at'];

/**
 * The Part 2 detail columns the product knows, in the order SPEC appends them after
 * `collected_at` (each behind its flag). A run records only those it collected; the
 * Parquet schema always has all of them, so one table covers every run.
 */
export const DETAIL_COLUMNS = [
  'ou_id_path',
  'parent_id',
  'delegated_services',
  'security_contact_email',
  'billing_contact_email',
  'operations_contact_email',
  'enabled_regions',
] as const;

/** An optional detail column of the report (`--ou-path`, `--delegated-admins`, `--contacts`, `--regions`). */
export type DetailColumn = (typeof DETAIL_COLUMNS)[number];

/** Detail columns that change together with `ou_path` and are not reported again beside a `moved` row. */
export const MOVE_DETAIL_COLUMNS: readonly string[] = ['ou_id_path', 'parent_id'];

/** One account as the snapshot records it. Empty values are `''`. */
export interface SnapshotAccount {
  /** The fixed columns as the CSV writes them, unescaped (timestamps as ISO 8601 UTC with milliseconds). */
  readonly fields: Readonly<Record<SnapshotFixedColumn, string>>;
  /** A value for each of the snapshot's `detailColumns`. */
  readonly details: ReadonlyMap<string, string>;
  /** Every tag of the account, whatever `--tag-keys` chose for the CSV. */
  readonly tags: ReadonlyMap<string, string>;
}

/** What one tenant's successful run saw: the baseline of the next run's change detection. */
export interface Snapshot {
  /** The tenant's management account ID. */
  readonly tenantId: string;
  /** The run that collected it. */
  readonly runId: string;
  /** ISO 8601 UTC with milliseconds: the run's `collected_at`. */
  readonly collectedAt: string;
  /** Whether `ou_path` was collected (`--ou-path`); without it the column is empty and moves cannot be told. */
  readonly hasOuPaths: boolean;
  /** The detail columns this run collected, in column order. */
  readonly detailColumns: readonly string[];
  /**
   * The only tag keys the snapshot recorded, when it did not record every tag (a CSV-only
   * baseline written with `--tag-keys`); `undefined` when it holds every tag of every account.
   */
  readonly recordedTagKeys?: readonly string[];
  /** Sorted by `account_id` (ordinal). */
  readonly accounts: readonly SnapshotAccount[];
}

/** How to read a detail column off a collected account, for columns the pipeline adds later. */
export interface DetailColumnSource {
  readonly column: string;
  readonly value: (account: AccountWithDetails) => string;
}

/** What {@link snapshotFromReport} records beyond the fixed columns. */
export interface SnapshotOptions {
  /** Whether OU paths were collected; default: when any account has one (every account of an organization has `Root…`). */
  readonly hasOuPaths?: boolean;
  /** The detail columns the run collected, in column order; default: the report's own (`detailColumns`, `details`). */
  readonly detailColumns?: readonly DetailColumnSource[];
}

/** The report's own detail columns, read off each account's `details`. */
function reportDetailSources(report: TenantReport): DetailColumnSource[] {
  return (report.detailColumns ?? []).map((column) => ({ column, value: (account) => account.details?.get(column) ?? '' }));
}

function ordinal(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator: only tells equal strings apart, and the account IDs of one organization are distinct
  return a < b ? -1 : a > b ? 1 : 0;
}

function isoOrEmpty(date: Date | undefined): string {
  return date ? date.toISOString() : '';
}

/** Sorts accounts by `account_id`, the order every snapshot and report keeps. */
export function sortSnapshotAccounts(accounts: readonly SnapshotAccount[]): SnapshotAccount[] {
  return [...accounts].sort((a, b) => ordinal(a.fields.account_id, b.fields.account_id));
}

/** The snapshot of one tenant's collected report, with every tag of every account. */
export function snapshotFromReport(report: TenantReport, runId: string, options: SnapshotOptions = {}): Snapshot {
  const { tenant, organization } = report;
  const collectedAt = report.collectedAt.toISOString();
  const detailSources = options.detailColumns ?? reportDetailSources(report);
  const accounts = report.accounts.map((account): SnapshotAccount => ({
    fields: {
      tenant_id: tenant.tenantId,
      tenant_name: tenant.tenantName,
      organization_id: organization.id,
      organization_arn: organization.arn,
      management_account_id: organization.managementAccountId,
      management_account_email: organization.managementAccountEmail,
      account_id: account.id,
      account_arn: account.arn,
      account_name: account.name,
      account_email: account.email,
      account_state: account.state,
      joined_method: account.joinedMethod,
      joined_timestamp: isoOrEmpty(account.joinedTimestamp),
      ou_path: account.ouPath,
      collected_at: collectedAt,
    },
    details: new Map(detailSources.map((source) => [source.column, source.value(account)])),
    tags: new Map(account.tags),
  }));
  return {
    tenantId: tenant.tenantId,
    runId,
    collectedAt,
    hasOuPaths: options.hasOuPaths ?? report.accounts.some((a) => a.ouPath !== ''),
    detailColumns: detailSources.map((source) => source.column),
    accounts: sortSnapshotAccounts(accounts),
  };
}
