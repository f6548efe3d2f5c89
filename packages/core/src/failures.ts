import { settingName, type CollectConfig, type Surface } from './config';
import { COLLECTOR_CREDENTIAL_ERROR_CODES, isAccessDeniedCode, isThrottlingCode, isTransientNetworkCode } from './error-codes';
import { TenantCollectionError, TenantSourceError, type FailureDetails } from './errors';
import { safeText, type SecretMasker } from './redaction';

/** The step an error came from; hints depend on it. `Unexpected`: a fault of ours, not of AWS or the configuration. */
export type CollectionStage =
  | 'TenantTable'
  | 'AssumeRole'
  | 'DescribeOrganization'
  | 'ListAccounts'
  | 'ListTagsForResource'
  | 'OuPaths'
  | 'DelegatedAdmins'
  | 'AlternateContacts'
  | 'EnabledRegions'
  | 'LocalWrite'
  | 'S3Upload'
  | 'Selection'
  | 'ExternalId'
  | 'Unexpected';

/** Where a failure happened, as far as its hint needs to know. */
export interface FailureContext {
  /** Hints name settings the way this surface sets them (a flag in the CLI, a variable in the Lambda). */
  readonly surface: Surface;
  readonly region: string;
  readonly tableName: string;
  readonly roleArn: string;
  readonly tenantId: string;
  readonly bucketName?: string;
  readonly prefix: string;
  readonly maxAttempts: number;
  /** Every secret of the run: an AWS error that quotes one back (STS quotes a bad ExternalId) is masked. */
  readonly secrets?: SecretMasker;
}

// An error code is a short identifier; anything longer is not one to show whole.
const MAX_CODE_LENGTH = 128;

/** The code an error carries: the AWS error code (`name`), or a Node.js system error code. */
export function errorCode(error: unknown): string {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, our errors carry a string `code` the next branch reads too
  if (error instanceof TenantCollectionError || error instanceof TenantSourceError) return error.code;
  // Stryker disable next-line ConditionalExpression: equivalent for anything thrown but a function, since primitives destructure to undefined
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof name === 'string' && name && name !== 'Error') return name;
  }
  return 'UnknownError';
}

/** An error's message as a summary, manifest or log may carry it: one line, secrets masked, display-safe, cut. */
function errorMessage(error: unknown, secrets: SecretMasker | undefined): string {
  const text = error instanceof Error ? error.message : String(error);
  return safeText(text.replace(/\s+/g, ' ').trim() || 'no message', secrets);
}

function safeCode(error: unknown, secrets: SecretMasker | undefined): string {
  return safeText(errorCode(error), secrets, MAX_CODE_LENGTH);
}

/** A setting as the operator sets it on this surface (`--bucket` / `REPORT_BUCKET_NAME`). */
function named(context: FailureContext, key: keyof CollectConfig): string {
  return nameOnSurface(context.surface, key);
}

function nameOnSurface(surface: Surface, key: keyof CollectConfig): string {
  return settingName(key, surface) ?? settingName(key, 'cli') ?? key;
}

/** How to collect one tenant again: `--tenant` in the CLI; the Lambda collects every tenant on its next run. */
export function rerunTenantHint(surface: Surface, tenantId: string): string {
  const flag = settingName('tenantIds', surface);
  return flag ? `Re-run it with ${flag} ${tenantId}.` : 'The next scheduled run collects it again (or start the function now).';
}

/** What to do about a tenant whose chunks keep reading nothing new: its calls are throttled or too slow. */
export function stalledTenantHint(surface: Surface, tenantId: string): string {
  return `Check what else calls this organization's APIs (throttling), or lower ${nameOnSurface(surface, 'orgRps')}. ${rerunTenantHint(surface, tenantId)}`;
}

function organizationsPermissionHint(context: FailureContext, action: string): string {
  return `Allow organizations:${action} in the policy of ${context.roleArn} (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for ${named(context, 'includeOuPath')}).`;
}

/**
 * Account Management reads of member accounts need both the IAM action and trusted access for
 * Account Management in the organization; AWS answers AccessDenied for either, so the hint names both.
 */
function accountManagementHint(context: FailureContext, action: string, flag: keyof CollectConfig): string {
  return `Allow ${action} in the policy of ${context.roleArn}, and enable trusted access for AWS Account Management in organization of ${context.tenantId} (from its management account: aws organizations enable-aws-service-access --service-principal account.amazonaws.com); or turn ${named(context, flag)} off.`;
}

/** A remediation an operator can act on, for a given error code at a given stage. */
export function remediationHint(stage: CollectionStage, code: string, context: FailureContext): string {
  if (isThrottlingCode(code)) {
    return `AWS kept throttling after ${context.maxAttempts} attempts; re-run later, lower ${named(context, 'tenantConcurrency')} and ${named(context, 'accountConcurrency')}, or raise ${named(context, 'maxAttempts')}.`;
  }
  if (isTransientNetworkCode(code)) {
    return 'A network error persisted through every retry; check connectivity to the AWS endpoints (proxy, VPC endpoints, AWS_ENDPOINT_URL) and re-run.';
  }
  if (code === 'InterruptedError') {
    return `The run was stopped (Ctrl-C, SIGTERM or a timeout) before this tenant finished. ${rerunTenantHint(context.surface, context.tenantId)}`;
  }
  if (COLLECTOR_CREDENTIAL_ERROR_CODES.has(code)) {
    return context.surface === 'lambda'
      ? "The function's own AWS credentials are missing, expired or invalid; check its execution role."
      : "The collector's own AWS credentials are missing, expired or invalid; configure them (AWS_PROFILE, SSO login, or the instance role) and re-run.";
  }
  switch (stage) {
    case 'TenantTable':
      if (code === 'ResourceNotFoundException')
        return `Table ${context.tableName} was not found in ${context.region}; check ${named(context, 'tableName')} and AWS_REGION.`;
      if (isAccessDeniedCode(code)) return `Allow the collector dynamodb:Scan and dynamodb:DescribeTable on table ${context.tableName}.`;
      return "Check the collector's AWS credentials and network access to DynamoDB, then re-run.";
    case 'AssumeRole':
      if (code === 'RegionDisabledException')
        return 'STS is not activated in this region; activate it in IAM account settings or set AWS_REGION to an enabled region.';
      return `Make sure ${context.roleArn} exists, that its trust policy allows this collector's principal to call sts:AssumeRole (with the tenant's ExternalId condition, if any), and that the collector is allowed sts:AssumeRole on it.`;
    case 'DescribeOrganization':
      if (code === 'AWSOrganizationsNotInUseException')
        return `Account ${context.tenantId} is not in an AWS Organization; check that tenant_id is the organization's management account ID.`;
      return organizationsPermissionHint(context, 'DescribeOrganization');
    case 'ListAccounts':
      if (code === 'AWSOrganizationsNotInUseException')
        return `Account ${context.tenantId} is not in an AWS Organization; check that tenant_id is the organization's management account ID.`;
      return organizationsPermissionHint(context, 'ListAccounts');
    case 'ListTagsForResource':
      return organizationsPermissionHint(context, 'ListTagsForResource');
    case 'OuPaths':
      return `Allow organizations:ListRoots, DescribeOrganizationalUnit, ListOrganizationalUnitsForParent and ListAccountsForParent in the policy of ${context.roleArn} (${named(context, 'includeOuPath')} needs them), or turn ${named(context, 'includeOuPath')} off.`;
    case 'DelegatedAdmins':
      return `Allow organizations:ListDelegatedAdministrators and organizations:ListDelegatedServicesForAccount in the policy of ${context.roleArn} (${named(context, 'includeDelegatedAdmins')} needs them), or turn ${named(context, 'includeDelegatedAdmins')} off.`;
    case 'AlternateContacts':
      return accountManagementHint(context, 'account:GetAlternateContact', 'includeContacts');
    case 'EnabledRegions':
      return accountManagementHint(context, 'account:ListRegions', 'includeRegions');
    case 'LocalWrite':
      return `Check that the local output directory (${named(context, 'localOutputDir')}) is writable and the disk has space.`;
    case 'S3Upload':
      if (code === 'NoSuchBucket')
        return `Bucket ${context.bucketName ?? ''} does not exist; create it or fix ${named(context, 'bucketName')}.`;
      // Stryker disable next-line MethodExpression: equivalent, includes('KMS') already matches every KMS. code
      if (code.startsWith('KMS.') || code.includes('KMS'))
        return `Allow the collector kms:GenerateDataKey on the key in ${named(context, 'kmsKeyId')}, or drop it to use the bucket default encryption.`;
      return `Allow the collector s3:PutObject on arn:aws:s3:::${context.bucketName ?? '<bucket>'}/${context.prefix}*. The bucket must belong to the collector's own account unless ${named(context, 'expectedBucketOwner')} names its owner's account ID or ${named(context, 'anyBucketOwner')} is set.`;
    case 'Selection':
      return `Check the tenant_id, status and service attributes of its item in the tenant table, or drop that ${named(context, 'tenantIds')}.`;
    case 'ExternalId':
      return `Add an external_id attribute to the tenant's item in the tenant table (the value the sts:ExternalId condition of its reader role's trust policy expects), or turn off ${named(context, 'requireExternalId')}.`;
    case 'Unexpected':
      return context.surface === 'lambda'
        ? 'An unexpected error stopped this tenant; the function logs have the detail. Report it if it persists.'
        : 'An unexpected error stopped this tenant; re-run it with --verbose for the detail, and report it if it persists.';
  }
}

/** Turns any error raised at a stage into what the summary shows. */
export function describeFailure(stage: CollectionStage, error: unknown, context: FailureContext): FailureDetails {
  if (error instanceof TenantCollectionError || error instanceof TenantSourceError) return error.toDetails();
  const code = safeCode(error, context.secrets);
  return {
    code,
    message: `${stage} failed: ${errorMessage(error, context.secrets)}`,
    hint: remediationHint(stage, code, context),
  };
}

/** Code of a tenant refused because it has no ExternalId of its own while one is required. */
export const EXTERNAL_ID_MISSING = 'ExternalIdMissing';

/** Why a tenant is not collected when every tenant must have its own ExternalId and this one has none. */
export function externalIdMissing(context: FailureContext): FailureDetails {
  return {
    code: EXTERNAL_ID_MISSING,
    message: `Tenant ${context.tenantId} has no external_id of its own and ${named(context, 'requireExternalId')} is on, so its role was not assumed.`,
    hint: remediationHint('ExternalId', EXTERNAL_ID_MISSING, context),
  };
}

/** The tenant table could not be read (the whole run stops). */
export function tenantTableFailure(error: unknown, context: FailureContext): FailureDetails {
  if (error instanceof TenantSourceError) return error.toDetails();
  const code = safeCode(error, context.secrets);
  return {
    code,
    message: `Could not read tenant table ${context.tableName}: ${code}: ${errorMessage(error, context.secrets)}`,
    hint: remediationHint('TenantTable', code, context),
  };
}

/** Where a run's failures happen: the surface and region it runs in, and the secrets it knows. */
export interface RunSurroundings {
  /** Where the operator runs this: hints name settings as this surface sets them. */
  readonly surface: Surface;
  /** The collector's region (decides the ARN partition). */
  readonly region: string;
  /** Secrets to mask in messages. */
  readonly secrets?: SecretMasker;
}

/** What remediation hints need to know about where a tenant's (or the run's) collection happens. */
export function failureContextFor(
  config: CollectConfig,
  surroundings: RunSurroundings,
  tenant: { readonly tenantId: string; readonly roleArn: string } = { tenantId: '', roleArn: '' },
): FailureContext {
  return {
    surface: surroundings.surface,
    region: surroundings.region,
    tableName: config.tableName,
    roleArn: tenant.roleArn,
    tenantId: tenant.tenantId,
    bucketName: config.bucketName,
    prefix: config.prefix,
    maxAttempts: config.maxAttempts,
    secrets: surroundings.secrets,
  };
}
