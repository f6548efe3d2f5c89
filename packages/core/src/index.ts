/**
 * The collection pipeline of orgmeta, its configuration and its ports; no AWS SDK.
 *
 * - Run the job for a whole tenant table with {@link collectRun}, or for one tenant with {@link planRun} then
 *   {@link collectTenant} (each tenant's failure is its result's `error`, never an exception).
 * - Plug your own destinations and tenant lists by implementing {@link ReportSink} and {@link TenantSource}
 *   (the AWS implementations are in `@orgmeta/aws-adapters`).
 * - Validate configuration with the settings table {@link COLLECT_SETTINGS} and {@link resolveCollectConfig}: the same
 *   flags, environment variables, defaults and messages as the orgmeta CLI and Lambda.
 *
 * @packageDocumentation
 */
export { roleArn, roleSessionName } from './aws-names';
export { COLLECT_SETTINGS, resolveCollectConfig, settingName } from './config';
export type { CollectConfig, ConfigInput, ConfigRequirements, Surface } from './config';
export { isAccessDeniedCode, isThrottlingCode } from './error-codes';
export { MAX_DISPLAY_LENGTH, SecretMasker, displaySafe, safeText } from './redaction';
export { ConfigError, InterruptedError, ReportWriteError, TenantSourceError } from './errors';
export { errorCode } from './failures';
export { ACCOUNT_DETAIL_FAMILIES } from './account-details';
export { collectRun, collectTenant, planRun, startRun, summarizeRun, writeManifest, writeRunReport } from './pipeline';
export { sha256Hex } from './tenant-outputs';
export type { CsvOutputs, OutputDependencies, SnapshotFormatWriter } from './tenant-outputs';
export type { PipelineDependencies, RunOutcome } from './pipeline';
export { runPreflight } from './preflight';
export type {
  CallerIdentity,
  LogFields,
  Logger,
  OrganizationConnector,
  AlternateContactType,
  OrganizationReader,
  OuPlacement,
  ReportObject,
  ReportRenderer,
  ReportSink,
  StoredReport,
  AssumeRoleTarget,
  TenantSource,
  WriteProbe,
} from './ports';
export { RunLockError, RunLockHeldError, acquireRunLock, releaseRunLockOf, runLockKey } from './run-lock';
export type { RunLockStore, StoredLock } from './run-lock';
export { manifestKey, partitionDate, reportKey } from './report-layout';
export { displayName, failedResult } from './tenant-results';
export type {
  Account,
  AccountWithDetails,
  InvalidRecord,
  KeyAttribute,
  Organization,
  RunSummary,
  Tag,
  Tenant,
  TenantAttribute,
  TenantRecord,
  TenantScan,
  TenantReport,
  TenantResult,
} from './types';
export { DETAIL_COLUMNS, SNAPSHOT_FIXED_COLUMNS, SNAPSHOT_TIMESTAMP_COLUMNS, snapshotFromReport, sortSnapshotAccounts } from './snapshot';
export type { DetailColumn, Snapshot, SnapshotAccount, SnapshotFixedColumn } from './snapshot';
export { CHANGE_COLUMNS, CHANGE_EVENT_DETAIL_TYPE, CHANGE_EVENT_SOURCE, CHANGE_KINDS, changeEvents, diffSnapshots } from './changes';
export type { Change, ChangeColumn, ChangeEvent, ChangeKind } from './changes';
export type { ChangeEventSink, EventPublishOutcome, ObjectReader } from './snapshot-ports';
export { loadPreviousSnapshot, renderSnapshotPointer, snapshotPointerKey } from './snapshot-pointer';
export type { CsvSnapshotContext } from './snapshot-pointer';
export { PARQUET_CONTENT_TYPE } from './snapshot-layout';
export { ACCOUNTS_DATASET_COLUMNS, CHANGES_DATASET_COLUMNS } from './datasets';
export type { DatasetColumn } from './datasets';
export { limitAccountsMissing, tagCoverage } from './tag-coverage';
export type { TagCoverage, TagKeyCoverage } from './tag-coverage';
export { buildRunReport, countAccountStates } from './run-report';
export type {
  ChangesView,
  FleetChanges,
  RunReport,
  RunReportFailure,
  RunReportTenant,
  StateCount,
  TenantReportDetails,
} from './run-report';
export { RUN_REPORT_CONTENT_TYPE, runReportKey } from './run-report-layout';
export { findChanges } from './changes-query';
export type { ChangesQuery, ObjectLister } from './changes-query';
export type { AccountDetailFamily } from './account-details';
export type { ChangesParser, ChangesFound } from './changes-query';
export type { ChangeEventDetail, ChangeCounts } from './changes';
export type { SnapshotFormat, SnapshotPointer, SnapshotParsers, PreviousSnapshot } from './snapshot-pointer';
export type { DatasetColumnType } from './datasets';
export type { ManifestOutcome, RunPlan, RunIdentity } from './pipeline';
export type { ReportSinkKind, SinkLocations } from './report-sinks';
export type { PreflightDependencies, PreflightReport } from './preflight';
export type { RunLockRecord, RunLockDependencies, HeldRunLock } from './run-lock';
export type { RunSurroundings } from './failures';
export type { TenantChangeCounts, FleetTagCoverage, RunReportSource, RunReportOptions } from './run-report';
export type { TenantStatus } from './types';
export type { SnapshotOptions } from './snapshot';
export type { AnySetting, RawValue, SettingDefinition } from './config';
export type { AccountMissingTags } from './tag-coverage';
export type { FailureDetails } from './errors';
export type { CheckResult } from './preflight';
export type { CollectionStage } from './failures';
export type { DetailColumnSource } from './snapshot';
export type { DetailFlag } from './account-details';
export { REPORT_SINK_KINDS } from './report-sinks';
export { SNAPSHOT_POINTER_VERSION } from './snapshot-pointer';
export type { SinkLocationField, SinkVersionField, SinkWrittenField } from './report-sinks';
export type { CheckStatus } from './preflight';
