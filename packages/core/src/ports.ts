import type { ReportSinkKind } from './report-sinks';
import type { Account, Organization, Tag, TenantReport, TenantScan } from './types';

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
  /** OU path (`Root/Workloads/Prod`) of every account, keyed by account ID. */
  accountOuPaths(): Promise<ReadonlyMap<string, string>>;
}

export interface StoredReport {
  /** Where it went: an S3 key or a local path. */
  readonly location: string;
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
  /** An aborted write must leave nothing behind. */
  write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport>;
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
