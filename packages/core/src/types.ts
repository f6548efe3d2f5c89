import type { ChangeCounts } from './changes';
import type { SinkLocations } from './report-sinks';
import type { DetailColumn } from './snapshot';
import type { TagCoverage } from './tag-coverage';

/** A tenant selected from the tenant table: one AWS Organization. */
export interface Tenant {
  /** 12-digit management account ID. */
  readonly tenantId: string;
  readonly tenantName: string;
  /** Per-tenant role name override (`role_name` attribute). */
  readonly roleName?: string;
  /** Per-tenant STS ExternalId (`external_id` attribute). Secret: never log it. */
  readonly externalId?: string;
  /** The primary key of the tenant's item, when the table's key schema is known (e.g. to read the item again). */
  readonly primaryKey?: readonly KeyAttribute[];
}

/** One attribute of a tenant-table item, with its DynamoDB type kept so bad types can be reported. */
export type TenantAttribute =
  | { readonly type: 'S'; readonly value: string }
  | { readonly type: 'N'; readonly value: string }
  | { readonly type: 'other'; readonly dynamoType: string };

/** One attribute of an item's primary key, as the table's key schema defines it. */
export interface KeyAttribute {
  readonly name: string;
  /** DynamoDB key types: string, number, binary (the value then in base64). */
  readonly type: 'S' | 'N' | 'B';
  readonly value: string;
}

/** One raw tenant-table item as the tenant source read it. */
export interface TenantRecord {
  readonly attributes: Readonly<Record<string, TenantAttribute>>;
  /** The item's key attributes (partition key first); empty when the key schema could not be read. */
  readonly primaryKey: readonly KeyAttribute[];
}

/** Everything one read of the tenant table gave. */
export interface TenantScan {
  /** Every item, all pages. */
  readonly records: readonly TenantRecord[];
  /** Notes for the operator about the read itself (e.g. why items cannot be named by their key). */
  readonly warnings: readonly string[];
}

export interface InvalidRecord {
  /** How to find the item in the table: its primary key (`pk=tenant#42`, `pk=…,sk=…`), else `tenant_id=…` or its scan position. */
  readonly key: string;
  readonly reason: string;
}

export interface Organization {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
  readonly managementAccountEmail: string;
}

export interface Account {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly email: string;
  /** `State` where the API gives it, else the older `Status`. */
  readonly state: string;
  readonly joinedMethod: string;
  readonly joinedTimestamp?: Date;
  /**
   * Where the account sits, as ListAccounts gives it (`o-…/r-…/ou-…/…/<account id>`); absent
   * where the API does not return it (older endpoints, emulators): OU paths then walk the tree.
   */
  readonly paths?: readonly string[];
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Everything the report of one tenant is made from. */
export interface TenantReport {
  readonly tenant: Tenant;
  readonly organization: Organization;
  readonly accounts: readonly AccountWithDetails[];
  /** Tag columns, in order. */
  readonly tagKeys: readonly string[];
  readonly collectedAt: Date;
  /** The detail columns this run collected (by flag), in column order; absent or empty without any. */
  readonly detailColumns?: readonly DetailColumn[];
}

export interface AccountWithDetails extends Account {
  readonly tags: ReadonlyMap<string, string>;
  /** `Root/Workloads/Prod`, or empty when OU paths were not requested. */
  readonly ouPath: string;
  /** A value for each of the report's `detailColumns` (empty string when AWS has none). */
  readonly details?: ReadonlyMap<DetailColumn, string>;
}

export type TenantStatus = 'succeeded' | 'failed';

/** A tenant's summary entry; `s3Key` / `localPath` (SinkLocations) say where each sink kind stored its report. */
export interface TenantResult extends SinkLocations {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly status: TenantStatus;
  readonly accounts: number;
  readonly sha256?: string;
  readonly durationMs: number;
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
  /** Changes since the previous snapshot; `null` with no earlier snapshot; absent with `--no-changes` or a failure. */
  readonly changes?: ChangeCounts | null;
  /** Required-tag coverage (`--required-tags`), at most 100 accounts listed (tag-coverage.csv has them all). */
  readonly tagCoverage?: TagCoverage;
  /** Accounts by `account_state`, for the run report. */
  readonly accountStates?: Readonly<Record<string, number>>;
  /** Why change events were not all sent; summarizeRun moves it to the summary's top-level `eventsError`. */
  readonly eventsError?: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly tenants: readonly TenantResult[];
  readonly invalidRecords: readonly InvalidRecord[];
  readonly totals: {
    readonly tenants: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly accounts: number;
    /** Change rows of every tenant compared with a previous snapshot; absent when changes were not detected. */
    readonly changes?: number;
  };
  /** Change events that could not be sent (`--events-bus`); no tenant fails for it. */
  readonly eventsError?: string;
}
