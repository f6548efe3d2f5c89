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
export type { AnySetting, CollectConfig, ConfigInput, ConfigRequirements, RawValue, SettingDefinition, Surface } from './config';
export { isAccessDeniedCode, isThrottlingCode } from './error-codes';
export { displaySafe, MAX_DISPLAY_LENGTH, safeText, SecretMasker } from './redaction';
export { ConfigError, InterruptedError, ReportWriteError, TenantSourceError } from './errors';
export type { FailureDetails } from './errors';
export { errorCode } from './failures';
export type { CollectionStage, RunSurroundings } from './failures';
export { ACCOUNT_DETAIL_FAMILIES } from './account-details';
export type { AccountDetailFamily, DetailFlag } from './account-details';
export { collectRun, collectTenant, collectTenantChunk, planRun, startRun, summarizeRun, writeManifest, writeRunReport } from './pipeline';
export type { ChunkOptions, ChunkOutcome, ManifestOutcome, PipelineDependencies, RunIdentity, RunOutcome, RunPlan } from './pipeline';
export { checkpointFolder, checkpointKey } from './tenant-checkpoint';
export type { CheckpointStore, PauseReason } from './tenant-checkpoint';
export { sha256Hex } from './tenant-outputs';
export type { CsvOutputs, OutputDependencies, SnapshotFormatWriter } from './tenant-outputs';
export { runPreflight } from './preflight';
export type { CheckResult, CheckStatus, PreflightDependencies, PreflightReport } from './preflight';
export type {
  AccountPage,
  AlternateContactType,
  AssumeRoleTarget,
  CallerIdentity,
  ConnectOptions,
  LogFields,
  Logger,
  OrganizationConnector,
  OrganizationReader,
  OuPlacement,
  ReportObject,
  ReportRenderer,
  ReportSink,
  StoredReport,
  TenantSource,
  WriteProbe,
} from './ports';
export { acquireRunLock, releaseRunLockOf, RunLockError, RunLockHeldError, runLockKey } from './run-lock';
export type { HeldRunLock, RunLockDependencies, RunLockRecord, RunLockStore, StoredLock } from './run-lock';
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
  TenantReport,
  TenantResult,
  TenantScan,
  TenantStatus,
} from './types';
export { DETAIL_COLUMNS, SNAPSHOT_FIXED_COLUMNS, SNAPSHOT_TIMESTAMP_COLUMNS, snapshotFromReport, sortSnapshotAccounts } from './snapshot';
export type { DetailColumn, DetailColumnSource, Snapshot, SnapshotAccount, SnapshotFixedColumn, SnapshotOptions } from './snapshot';
export { CHANGE_COLUMNS, CHANGE_EVENT_DETAIL_TYPE, CHANGE_EVENT_SOURCE, CHANGE_KINDS, changeEvents, diffSnapshots } from './changes';
export type { Change, ChangeColumn, ChangeCounts, ChangeEvent, ChangeEventDetail, ChangeKind } from './changes';
export type { ChangeEventSink, EventPublishOutcome, ObjectReader } from './snapshot-ports';
export { loadPreviousSnapshot, renderSnapshotPointer, SNAPSHOT_POINTER_VERSION, snapshotPointerKey } from './snapshot-pointer';
export type { CsvSnapshotContext, PreviousSnapshot, SnapshotFormat, SnapshotParsers, SnapshotPointer } from './snapshot-pointer';
export { PARQUET_CONTENT_TYPE } from './snapshot-layout';
export { ACCOUNTS_DATASET_COLUMNS, CHANGES_DATASET_COLUMNS } from './datasets';
export { SQL_TABLES, tableManifestKey, tableManifestRoot } from './table-manifests';
export type { SqlTable } from './table-manifests';
export type { DatasetColumn, DatasetColumnType } from './datasets';
export { limitAccountsMissing, tagCoverage } from './tag-coverage';
export type { AccountMissingTags, TagCoverage, TagKeyCoverage } from './tag-coverage';
export { buildRunReport, countAccountStates } from './run-report';
export type {
  ChangesView,
  FleetChanges,
  FleetTagCoverage,
  RunReport,
  RunReportFailure,
  RunReportOptions,
  RunReportSource,
  RunReportTenant,
  StateCount,
  TenantChangeCounts,
  TenantReportDetails,
} from './run-report';
export { RUN_REPORT_CONTENT_TYPE, runReportKey } from './run-report-layout';
export { findChanges, readRunManifest } from './changes-query';
export type { ChangesFound, ChangesParser, ChangesQuery, ObjectLister, RunManifestFound } from './changes-query';
export { REPORT_SINK_KINDS } from './report-sinks';
export type { ReportSinkKind, SinkLocationField, SinkLocations, SinkVersionField, SinkWrittenField } from './report-sinks';
