import type { ReportSinkKind } from './report-sinks';
import type { Account, KeyAttribute, Organization, Tag, TenantReport, TenantScan } from './types';

/** Structured log fields; values must never hold secrets. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Where core's diagnostics go; the apps decide the format and destination. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Gives every item of the tenant table (all pages), each with its primary key. */
export interface TenantSource {
  scanTenants(): Promise<TenantScan>;
  /**
   * Reads the one item with this primary key (DynamoDB GetItem), for a task that collects a
   * single tenant the plan step already found: no scan of the whole table per tenant.
   */
  readTenant?(primaryKey: readonly KeyAttribute[]): Promise<TenantScan>;
}

export interface AssumeRoleTarget {
  readonly tenantId: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** Secret: adapters must never log it. */
  readonly externalId?: string;
}

/** Opens read access to one tenant's organization (assumes its role). */
export interface OrganizationConnector {
  connect(access: AssumeRoleTarget): Promise<OrganizationReader>;
}

/** Read-only view of one organization, through one tenant's credentials. */
export interface OrganizationReader {
  describeOrganization(): Promise<Organization>;
  /** Every account, page by page. */
  listAccounts(): AsyncIterable<readonly Account[]>;
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

export type AlternateContactType = 'SECURITY' | 'BILLING' | 'OPERATIONS';

export interface StoredReport {
  /** Where it went: an S3 key or a local path. */
  readonly location: string;
  /** The object's version, where the destination keeps versions (an S3 bucket with versioning on). */
  readonly versionId?: string;
}

export interface ReportObject {
  /** Relative key, e.g. `org-accounts/dt=2024-05-01/tenant_id=…/accounts.csv`. */
  readonly key: string;
  /** Text is written as UTF-8; bytes (Parquet) as they are. */
  readonly body: string | Uint8Array;
  readonly contentType: string;
  /** SHA-256 of the bytes written. */
  readonly sha256Hex: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A destination for reports and manifests; a write is all-or-nothing. */
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
  probeWrite(key: string): Promise<{ readonly removed: boolean; readonly removeError?: string }>;
}

/** Who the collector runs as, to tell operators which principal a trust policy must allow. */
export interface CallerIdentity {
  /** The IAM principal ARN (an assumed role is given as its role ARN). */
  principalArn(): Promise<string>;
  /** The collector's own AWS account ID: the bucket owner expected by default. */
  accountId(): Promise<string>;
}
