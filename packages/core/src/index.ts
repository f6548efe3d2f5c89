export { partitionForRegion, roleArn, roleSessionName } from './aws-names';
export { COLLECT_SETTINGS, resolveCollectConfig, settingName } from './config';
export type { CollectConfig, ConfigInput, ConfigRequirements, Surface } from './config';
export {
  ACCESS_DENIED_ERROR_CODES,
  COLLECTOR_CREDENTIAL_ERROR_CODES,
  THROTTLING_ERROR_CODES,
  TRANSIENT_NETWORK_ERROR_CODES,
  isAccessDeniedCode,
  isThrottlingCode,
  isTransientNetworkCode,
} from './error-codes';
export { MASK, MAX_DISPLAY_LENGTH, SecretMasker, displaySafe, maskingLogger, safeText } from './redaction';
export { ConfigError, InterruptedError, ReportWriteError, TenantCollectionError, TenantSourceError } from './errors';
export type { FailureDetails } from './errors';
export {
  EXTERNAL_ID_MISSING,
  describeFailure,
  errorCode,
  externalIdMissing,
  remediationHint,
  rerunTenantHint,
  tenantTableFailure,
} from './failures';
export type { CollectionStage, FailureContext, RunSurroundings } from './failures';
export {
  ACCOUNT_DETAIL_FAMILIES,
  ACCOUNT_MANAGEMENT_PRINCIPAL,
  CONTACT_COLUMNS,
  NO_DETAILS,
  collectAccountDetails,
  detailColumnsFor,
  detailFamiliesFor,
  joinSorted,
  placementIds,
} from './account-details';
export type { AccountDetailFamily, CollectedDetails, DetailFlag } from './account-details';
export type { DetailStep } from './tenant-calls';
export { collectAccounts, type CollectedAccounts } from './account-collection';
export {
  buildReport,
  collectRun,
  collectTenant,
  newRunId,
  planRun,
  startRun,
  summarizeRun,
  writeManifest,
  writeRunReport,
} from './pipeline';
export { MAX_ACCOUNTS_MISSING_IN_SUMMARY, loadBaseline, planTenantOutputs, selectedFormats, sha256Hex } from './tenant-outputs';
export type { CsvOutputs, OutputDependencies, SnapshotFormatWriter, TenantOutputFacts, TenantOutputPlan } from './tenant-outputs';
export type { ManifestOutcome, PipelineDependencies, RunIdentity, RunOutcome, RunPlan } from './pipeline';
export { runPreflight, trustablePrincipal } from './preflight';
export type { CheckResult, CheckStatus, PreflightDependencies, PreflightReport } from './preflight';
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
export { REPORT_SINK_KINDS, storedFields, writeEvidence } from './report-sinks';
export type { ReportSinkKind, SinkLocationField, SinkLocations, SinkVersionField, SinkWrittenField } from './report-sinks';
export {
  RunLockError,
  RunLockHeldError,
  acquireRunLock,
  describeHolder,
  inspectRunLock,
  releaseRunLockOf,
  runLockCheck,
  runLockKey,
  withRunLock,
} from './run-lock';
export type { HeldRunLock, RunLockDependencies, RunLockRecord, RunLockStatus, RunLockStore, StoredLock } from './run-lock';
export { MANIFEST_CONTENT_TYPE, REPORT_CONTENT_TYPE, manifestKey, partitionDate, reportKey } from './report-layout';
export { assumeRoleTargetFor } from './assume-role-target';
export { failureContextFor } from './failures';
export { displayName, failedResult } from './tenant-results';
export { selectTenants } from './tenants';
export type { TenantSelection, TenantSelectionCriteria } from './tenants';
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
  TenantStatus,
} from './types';
export {
  DETAIL_COLUMNS,
  MOVE_DETAIL_COLUMNS,
  SNAPSHOT_FIXED_COLUMNS,
  SNAPSHOT_TIMESTAMP_COLUMNS,
  snapshotFromReport,
  sortSnapshotAccounts,
} from './snapshot';
export type { DetailColumn, DetailColumnSource, Snapshot, SnapshotAccount, SnapshotFixedColumn, SnapshotOptions } from './snapshot';
export {
  CHANGE_COLUMNS,
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  CHANGE_KINDS,
  changeCounts,
  changeEventDetail,
  changeEvents,
  diffSnapshots,
} from './changes';
export type { Change, ChangeColumn, ChangeCounts, ChangeEvent, ChangeEventDetail, ChangeKind } from './changes';
export type { ChangeEventSink, EventPublishOutcome, ObjectReader } from './snapshot-ports';
export {
  SNAPSHOT_POINTER_CONTENT_TYPE,
  SNAPSHOT_POINTER_VERSION,
  loadPreviousSnapshot,
  parseSnapshotPointer,
  renderSnapshotPointer,
  snapshotPointerKey,
} from './snapshot-pointer';
export type {
  CsvSnapshotContext,
  PointerParseResult,
  PreviousSnapshot,
  SnapshotFormat,
  SnapshotParsers,
  SnapshotPointer,
} from './snapshot-pointer';
export { CHANGES_CSV_CONTENT_TYPE, PARQUET_CONTENT_TYPE, tenantObjectKey } from './snapshot-layout';
export type { TenantObjectName } from './snapshot-layout';
export { ACCOUNTS_DATASET_COLUMNS, CHANGES_DATASET_COLUMNS } from './datasets';
export { SQL_TABLES, TABLE_MANIFEST_CONTENT_TYPE, renderTableManifest, tableManifestKey, tableManifestRoot } from './table-manifests';
export type { SqlTable, TableManifest } from './table-manifests';
export type { DatasetColumn, DatasetColumnType } from './datasets';
export { COVERAGE_ACCOUNT_STATE, coverageShare, limitAccountsMissing, tagCoverage } from './tag-coverage';
export type { AccountMissingTags, TagCoverage, TagKeyCoverage } from './tag-coverage';
export { ACCOUNT_STATE_ORDER, UNRECORDED_STATE, buildRunReport, countAccountStates } from './run-report';
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
export { RUN_REPORT_CONTENT_TYPE, runReportKey, tagCoverageKey } from './run-report-layout';
export { daysBetween, findChanges, readRunManifest, runIdDate } from './changes-query';
export type { ChangesFound, ChangesParser, ChangesQuery, ObjectLister, RunManifestFound } from './changes-query';
