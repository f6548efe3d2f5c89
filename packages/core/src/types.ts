import type { ChangeCounts } from './changes';
import type { SinkLocations } from './report-sinks';
import type { DetailColumn } from './snapshot';
import type { TagCoverage } from './tag-coverage';

/** A tenant selected from the tenant table: one AWS Organization. */
export interface Tenant {
  /** 12-digit management account ID. */
  readonly tenantId: string;
  /** The `tenant_name` attribute, or empty. */
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
  /** The attribute name. */
  readonly name: string;
  /** DynamoDB key types: string, number, binary (the value then in base64). */
  readonly type: 'S' | 'N' | 'B';
  /** Its value, as text. */
  readonly value: string;
}

/** One raw tenant-table item as the tenant source read it. */
export interface TenantRecord {
  /** Every attribute of the item, by name. */
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

/** A tenant-table item a run skipped, named by its key, and why. */
export interface InvalidRecord {
  /** How to find the item in the table: its primary key (`pk=tenant#42`, `pk=…,sk=…`), else `tenant_id=…` or its scan position. */
  readonly key: string;
  /** Why the item was skipped. */
  readonly reason: string;
}

/** What DescribeOrganization says of a tenant's organization. */
export interface Organization {
  /** The organization ID (`o-…`). */
  readonly id: string;
  /** The organization ARN. */
  readonly arn: string;
  /** The management account ID. */
  readonly managementAccountId: string;
  /** The management account's email address. */
  readonly managementAccountEmail: string;
}

/** One member account of an organization, as Organizations ListAccounts gives it. */
export interface Account {
  /** The 12-digit account ID. */
  readonly id: string;
  /** The account ARN. */
  readonly arn: string;
  /** The account name. */
  readonly name: string;
  /** The root user email address. */
  readonly email: string;
  /** `State` where the API gives it, else the older `Status`. */
  readonly state: string;
  /** `INVITED` or `CREATED`. */
  readonly joinedMethod: string;
  /** When the account joined the organization. */
  readonly joinedTimestamp?: Date;
  /**
   * Where the account sits, as ListAccounts gives it (`o-…/r-…/ou-…/…/<account id>`); absent
   * where the API does not return it (older endpoints, emulators): OU paths then walk the tree.
   */
  readonly paths?: readonly string[];
}

/** One tag of an account. */
export interface Tag {
  /** The tag key. */
  readonly key: string;
  /** The tag value. */
  readonly value: string;
}

/** Everything the report of one tenant is made from. */
export interface TenantReport {
  /** The tenant. */
  readonly tenant: Tenant;
  /** The organization. */
  readonly organization: Organization;
  /** Every account of the organization, with its details. */
  readonly accounts: readonly AccountWithDetails[];
  /** Tag columns, in order. */
  readonly tagKeys: readonly string[];
  /** When the collection finished. */
  readonly collectedAt: Date;
  /** The detail columns this run collected (by flag), in column order; absent or empty without any. */
  readonly detailColumns?: readonly DetailColumn[];
}

/** An account with what the run collected beyond ListAccounts: OU path, tags and the optional detail columns. */
export interface AccountWithDetails extends Account {
  /** Every tag of the account, by key. */
  readonly tags: ReadonlyMap<string, string>;
  /** `Root/Workloads/Prod`, or empty when OU paths were not requested. */
  readonly ouPath: string;
  /** A value for each of the report's `detailColumns` (empty string when AWS has none). */
  readonly details?: ReadonlyMap<DetailColumn, string>;
}

/** A tenant's outcome in a run. */
export type TenantStatus = 'succeeded' | 'failed';

/** A tenant's summary entry; `s3Key` / `localPath` (SinkLocations) say where each sink kind stored its report. */
export interface TenantResult extends SinkLocations {
  /** The tenant's management account ID. */
  readonly tenantId: string;
  /** The tenant name from the table. */
  readonly tenantName: string;
  /** The outcome. */
  readonly status: TenantStatus;
  /** Accounts collected. */
  readonly accounts: number;
  /** SHA-256 of `accounts.csv`. */
  readonly sha256?: string;
  /** How long the tenant took. */
  readonly durationMs: number;
  /** Why it failed: code, message and a fix. */
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

/** A run's summary: every tenant's result, the skipped items and the totals (the CLI's `--json` and the manifest). */
export interface RunSummary {
  /** The run ID. */
  readonly runId: string;
  /** ISO 8601 UTC. */
  readonly startedAt: string;
  /** ISO 8601 UTC. */
  readonly finishedAt: string;
  /** Every tenant's result. */
  readonly tenants: readonly TenantResult[];
  /** Tenant-table items skipped as invalid. */
  readonly invalidRecords: readonly InvalidRecord[];
  /** Counts over every tenant. */
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
