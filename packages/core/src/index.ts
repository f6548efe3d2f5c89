export { partitionForRegion, roleArn, roleSessionName } from './aws-names';
export { COLLECT_SETTINGS, resolveCollectConfig } from './config';
export type { CollectConfig, ConfigInput, ConfigRequirements } from './config';
export {
  COLLECTOR_CREDENTIAL_ERROR_CODES,
  THROTTLING_ERROR_CODES,
  TRANSIENT_NETWORK_ERROR_CODES,
  isThrottlingCode,
  isTransientNetworkCode,
} from './error-codes';
export { MASK, MAX_DISPLAY_LENGTH, SecretMasker, displaySafe } from './redaction';
export { ConfigError, InterruptedError, TenantCollectionError, TenantSourceError } from './errors';
export type { FailureDetails } from './errors';
export { describeFailure, errorCode, remediationHint } from './failures';
export type { CollectionStage, FailureContext } from './failures';
export { buildReport, collectRun, collectTenant, newRunId, planRun, startRun, summarizeRun, writeManifest } from './pipeline';
export type { ManifestOutcome, PipelineDependencies, RunIdentity, RunOutcome, RunPlan } from './pipeline';
export { runPreflight, trustablePrincipal } from './preflight';
export type { CheckResult, CheckStatus, PreflightDependencies, PreflightReport } from './preflight';
export type {
  CallerIdentity,
  LogFields,
  Logger,
  OrganizationConnector,
  OrganizationReader,
  ReportObject,
  ReportRenderer,
  ReportSink,
  StoredReport,
  AssumeRoleTarget,
  TenantSource,
  WriteProbe,
} from './ports';
export { MANIFEST_CONTENT_TYPE, REPORT_CONTENT_TYPE, manifestKey, partitionDate, reportKey } from './report-layout';
export { assumeRoleTargetFor } from './assume-role-target';
export { failureContextFor } from './failures';
export { failedResult } from './tenant-results';
export { selectTenants } from './tenants';
export type { TenantSelection, TenantSelectionCriteria } from './tenants';
export type {
  Account,
  AccountWithDetails,
  InvalidRecord,
  Organization,
  RunSummary,
  Tag,
  Tenant,
  TenantAttribute,
  TenantRecord,
  TenantReport,
  TenantResult,
  TenantStatus,
} from './types';
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
