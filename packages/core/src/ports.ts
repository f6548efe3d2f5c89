import type { ReportSinkKind } from './report-sinks';
import type { Account, KeyAttribute, Organization, Tag, TenantReport, TenantScan } from './types';

/** Structured log fields; values must never hold secrets. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Where core's diagnostics go; the apps decide the format and destination. */
export interface Logger {
  /** Detail for troubleshooting. */
  debug(message: string, fields?: LogFields): void;
  /** Progress. */
  info(message: string, fields?: LogFields): void;
  /** Something the operator should look at. */
  warn(message: string, fields?: LogFields): void;
  /** A failure. */
  error(message: string, fields?: LogFields): void;
}

/**
 * Gives every item of the tenant table (all pages), each with its primary key. `@orgmeta/aws-adapters` reads a
 * DynamoDB table; implement it to keep tenants anywhere else.
 *
 * @example Tenants from a fixed list
 * ```ts
 * const tenants: TenantSource = {
 *   async scanTenants() {
 *     const text = (value: string) => ({ type: 'S', value }) as const;
 *     const attributes = { tenant_id: text('111122223333'), status: text('active'), service: text('AWS Cloud Usage') };
 *     return { records: [{ attributes, primaryKey: [] }], warnings: [] };
 *   },
 * };
 * ```
 */
export interface TenantSource {
  /** Every item of the tenant table (all pages). */
  scanTenants(): Promise<TenantScan>;
  /**
   * Reads the one item with this primary key (DynamoDB GetItem), for a task that collects a
   * single tenant the plan step already found: no scan of the whole table per tenant.
   */
  readTenant?(primaryKey: readonly KeyAttribute[]): Promise<TenantScan>;
}

/** The role a run assumes in one tenant's management account, and with which ExternalId. */
export interface AssumeRoleTarget {
  /** The tenant's management account ID. */
  readonly tenantId: string;
  /** The role to assume. */
  readonly roleArn: string;
  /** The session name STS records (names the run). */
  readonly roleSessionName: string;
  /** Secret: adapters must never log it. */
  readonly externalId?: string;
}

/** Opens read access to one tenant's organization (assumes its role). */
export interface OrganizationConnector {
  /** Assumes the tenant's role and gives a reader with its credentials. */
  connect(access: AssumeRoleTarget, options?: ConnectOptions): Promise<OrganizationReader>;
}

/** How a reader starts: a resumed tenant starts at the pace its last chunk ended at. */
export interface ConnectOptions {
  /** Organizations calls per second to start at (never above the configured pace). */
  readonly organizationsRps?: number;
  /** Once aborted, the reader sends nothing more (retries and queued calls included): its chunk has paused. */
  readonly signal?: AbortSignal;
}

/** One ListAccounts page as the API gave it, with the token of the next page (absent: the last). */
export interface AccountPage {
  /** The page's accounts. */
  readonly accounts: readonly Account[];
  /** ListAccounts' NextToken after this page. */
  readonly nextToken?: string;
}

/** Read-only view of one organization, through one tenant's credentials. */
export interface OrganizationReader {
  /** The organization (DescribeOrganization). */
  describeOrganization(): Promise<Organization>;
  /** Every account, page by page. */
  listAccounts(): AsyncIterable<readonly Account[]>;
  /**
   * Every account from `startingToken` on (a NextToken of an earlier page), each page with the
   * token of the next: what a tenant collected across invocations resumes from. Readers without
   * it are collected in one go.
   */
  listAccountPages?(startingToken?: string): AsyncIterable<AccountPage>;
  /** The Organizations pace this reader has learnt (calls per second), carried into the next chunk. */
  organizationsRps?(): number | undefined;
  /** Every tag of one account (all pages). */
  listTags(accountId: string): Promise<Tag[]>;
  /** Where every account sits, keyed by account ID, from a walk of the OU tree (ListRoots, then per parent). */
  accountOuPaths(): Promise<ReadonlyMap<string, OuPlacement>>;
  /** The name of every root, keyed by root ID (ListRoots, all pages). */
  rootNames(): Promise<ReadonlyMap<string, string>>;
  /** The name of one OU (DescribeOrganizationalUnit). */
  organizationalUnitName(ouId: string): Promise<string>;
  /** The account IDs of every delegated administrator of the organization (all pages). */
  delegatedAdministrators(): Promise<string[]>;
  /** The service principals one delegated administrator is registered for (all pages). */
  delegatedServices(accountId: string): Promise<string[]>;
  /**
   * One alternate contact's email (Account Management GetAlternateContact), undefined when none is set.
   * `accountId` undefined: the caller's own account (AWS refuses the management account's own ID).
   */
  alternateContactEmail(accountId: string | undefined, type: AlternateContactType): Promise<string | undefined>;
  /** The Regions enabled in an account (ListRegions, all pages, ENABLED and ENABLED_BY_DEFAULT); `accountId` as above. */
  enabledRegions(accountId: string | undefined): Promise<string[]>;
}

/** Where an account sits in its organization. */
export interface OuPlacement {
  /** OU names from the root, e.g. `Root/Workloads/Prod`. */
  readonly namePath: string;
  /** The same path in IDs, e.g. `r-ab12/ou-ab12-11111111/ou-ab12-22222222`. */
  readonly idPath: string;
  /** The ID of the OU (or root) the account sits in. */
  readonly parentId: string;
}

/** The Account Management alternate contacts the `--contacts` columns read. */
export type AlternateContactType = 'SECURITY' | 'BILLING' | 'OPERATIONS';

/** Where a {@link ReportSink} stored an object. */
export interface StoredReport {
  /** Where it went: an S3 key or a local path. */
  readonly location: string;
  /** The object's version, where the destination keeps versions (an S3 bucket with versioning on). */
  readonly versionId?: string;
}

/** One object the pipeline writes to every {@link ReportSink}: a report, a snapshot, a manifest. */
export interface ReportObject {
  /** Relative key, e.g. `org-accounts/dt=2024-05-01/tenant_id=…/accounts.csv`. */
  readonly key: string;
  /** Text is written as UTF-8; bytes (Parquet) as they are. */
  readonly body: string | Uint8Array;
  /** The MIME type, e.g. `text/csv; charset=utf-8`. */
  readonly contentType: string;
  /** SHA-256 of the bytes written. */
  readonly sha256Hex: string;
  /** Object metadata (S3 user metadata). */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * A destination for reports and manifests; a write is all-or-nothing. The pipeline writes every object to each
 * sink of `PipelineDependencies.sinks`, in order.
 *
 * @example A sink that keeps objects in memory
 * ```ts
 * class InMemoryReportSink implements ReportSink {
 *   readonly kind = 'local';
 *   readonly name = 'memory';
 *   readonly objects = new Map<string, ReportObject>();
 *   async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
 *     signal?.throwIfAborted();
 *     this.objects.set(report.key, report);
 *     return { location: `memory:${report.key}` };
 *   }
 * }
 * ```
 */
export interface ReportSink {
  /** Decides the summary field of its location and the failure stage (see REPORT_SINK_KINDS). */
  readonly kind: ReportSinkKind;
  /** Names the sink for people (logs, manifest errors), e.g. `s3://reports` or the output directory. */
  readonly name: string;
  /**
   * An aborted write must leave nothing behind. A write that fails throws; a ReportWriteError
   * also says whether the object is at its key anyway.
   */
  write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport>;
  /**
   * The URI a query engine reads the object at this key by (`s3://bucket/key`), listed in the SQL
   * tables' symlink manifests (docs/sql.md). Sinks no query engine reads (a local folder) have none
   * and get no manifests.
   */
  objectUri?(key: string): string;
}

/** Turns a tenant's collected data into the report file's text. */
export type ReportRenderer = (report: TenantReport) => string;

/** Shows that reports can be written: writes a small object, then removes it. */
export interface WriteProbe {
  /** Writes a small object at `key`, then removes it. */
  probeWrite(key: string): Promise<{ readonly removed: boolean; readonly removeError?: string }>;
}

/** Who the collector runs as, to tell operators which principal a trust policy must allow. */
export interface CallerIdentity {
  /** The IAM principal ARN (an assumed role is given as its role ARN). */
  principalArn(): Promise<string>;
  /** The collector's own AWS account ID: the bucket owner expected by default. */
  accountId(): Promise<string>;
}
