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
export { ConfigError, InterruptedError, TenantCollectionError, TenantSourceError } from './errors';
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
export { REPORT_SINK_KINDS } from './report-sinks';
export type { ReportSinkKind, SinkLocationField, SinkLocations } from './report-sinks';
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
