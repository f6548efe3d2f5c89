import type { CollectConfig } from './config';
import { COLLECTOR_CREDENTIAL_ERROR_CODES, isThrottlingCode, isTransientNetworkCode } from './error-codes';
import { TenantCollectionError, type FailureDetails } from './errors';

/** The step of a tenant's collection an error came from; hints depend on it. */
export type CollectionStage =
  'AssumeRole' | 'DescribeOrganization' | 'ListAccounts' | 'ListTagsForResource' | 'OuPaths' | 'LocalWrite' | 'S3Upload' | 'Selection';

export interface FailureContext {
  readonly roleArn: string;
  readonly tenantId: string;
  readonly bucketName?: string;
  readonly prefix: string;
  readonly maxAttempts: number;
}

/** The code an error carries: the AWS error code (`name`), or a Node.js system error code. */
export function errorCode(error: unknown): string {
  if (error instanceof TenantCollectionError) return error.code;
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof name === 'string' && name && name !== 'Error') return name;
  }
  return 'UnknownError';
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim() || 'no message';
}

function organizationsPermissionHint(context: FailureContext, action: string): string {
  return `Allow organizations:${action} in the policy of ${context.roleArn} (the reader role needs DescribeOrganization, ListAccounts, ListTagsForResource, and ListRoots/ListOrganizationalUnitsForParent/ListAccountsForParent for --ou-path).`;
}

/** A remediation an operator can act on, for a given error code at a given stage. */
export function remediationHint(stage: CollectionStage, code: string, context: FailureContext): string {
  if (isThrottlingCode(code)) {
    return `AWS kept throttling after ${context.maxAttempts} attempts; re-run later, lower --tenant-concurrency/--account-concurrency, or raise --max-attempts.`;
  }
  if (isTransientNetworkCode(code)) {
    return 'A network error persisted through every retry; check connectivity to the AWS endpoints (proxy, VPC endpoints, AWS_ENDPOINT_URL) and re-run.';
  }
  if (code === 'InterruptedError') {
    return 'The run was stopped (Ctrl-C or SIGTERM) before this tenant finished; re-run it with --tenant.';
  }
  if (COLLECTOR_CREDENTIAL_ERROR_CODES.has(code)) {
    return "The collector's own AWS credentials are missing, expired or invalid; configure them (AWS_PROFILE, SSO login, or the instance/Lambda role) and re-run.";
  }
  switch (stage) {
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
      return organizationsPermissionHint(context, 'ListRoots, ListOrganizationalUnitsForParent and ListAccountsForParent');
    case 'LocalWrite':
      return 'Check that the local output directory (--out-dir / LOCAL_OUTPUT_DIR) is writable and the disk has space.';
    case 'S3Upload':
      if (code === 'NoSuchBucket')
        return `Bucket ${context.bucketName ?? ''} does not exist; create it or fix --bucket / REPORT_BUCKET_NAME.`;
      if (code.startsWith('KMS.') || code.includes('KMS'))
        return 'Allow the collector kms:GenerateDataKey on the key in --kms-key-id / REPORT_KMS_KEY_ID, or drop it to use the bucket default encryption.';
      return `Allow the collector s3:PutObject on arn:aws:s3:::${context.bucketName ?? '<bucket>'}/${context.prefix}*. The bucket must belong to the collector's own account unless --expected-bucket-owner names its owner's account ID or --any-bucket-owner is set.`;
    case 'Selection':
      return 'Check the tenant_id, status and service attributes of its item in the tenant table, or drop that --tenant.';
  }
}

/** Turns any error raised at a stage into what the summary shows. */
export function describeFailure(stage: CollectionStage, error: unknown, context: FailureContext): FailureDetails {
  if (error instanceof TenantCollectionError) return error.toDetails();
  const code = errorCode(error);
  return {
    code,
    message: `${stage} failed: ${errorMessage(error)}`,
    hint: remediationHint(stage, code, context),
  };
}

/** What remediation hints need to know about where a tenant's collection runs. */
export function failureContextFor(config: CollectConfig, tenantId = '', tenantRoleArn = ''): FailureContext {
  return { roleArn: tenantRoleArn, tenantId, bucketName: config.bucketName, prefix: config.prefix, maxAttempts: config.maxAttempts };
}
