import { COLLECT_SETTINGS, type CollectConfig } from '@orgmeta/core';

/**
 * The CDK app's view of core's settings table (`COLLECT_SETTINGS`): the Lambda reads the
 * same environment variables as the CLI, so the stack takes their names, defaults and
 * validation from that one table instead of spelling them again.
 */

type CollectSetting = (typeof COLLECT_SETTINGS)[number];

/** A deployment setting (context key or stack prop) that would synthesize a broken collector. */
export class DeploymentSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentSettingError';
  }
}

/** The setting with this key; a missing key is a programming error in this app, not user input. */
export function collectSetting(key: keyof CollectConfig): CollectSetting {
  const setting = COLLECT_SETTINGS.find((candidate) => candidate.key === key);
  if (!setting) throw new Error(`core's settings table has no "${key}" setting`);
  return setting;
}

/** The environment variable a setting reads. */
export function envVarOf(key: keyof CollectConfig): string {
  const { envVar } = collectSetting(key);
  if (!envVar) throw new Error(`setting "${key}" has no environment variable`);
  return envVar;
}

/** The setting whose environment variable this is. */
export function settingForEnvVar(envVar: string): CollectSetting | undefined {
  return COLLECT_SETTINGS.find((setting) => setting.envVar === envVar);
}

/**
 * The value as the Lambda will parse it at start, or the setting's own error sentence.
 * Running the same parser at synth turns a bad value into a failed deploy, not a failed night.
 */
function parseSettingValue(setting: CollectSetting, raw: string): { readonly value: unknown } | { readonly error: string } {
  const parsed: unknown = setting.parse(raw);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) return { error: String(parsed.error) };
  return { value: parsed };
}

/** The value as the Lambda will parse it; `where` names the context key or prop that gave it. */
export function checkedSettingValue(key: keyof CollectConfig, raw: string, where: string): unknown {
  const parsed = parseSettingValue(collectSetting(key), raw);
  if ('error' in parsed) throw new DeploymentSettingError(`Invalid ${where}: ${parsed.error}.`);
  return parsed.value;
}

/**
 * The report prefix as the Lambda will use it: normalised once, by core's own rule (no
 * leading `/`, ends with `/`), so the IAM policy and the function can never disagree.
 * `undefined` gives the settings table's default.
 */
export function normalisedReportPrefix(raw: string | undefined): string {
  return String(checkedSettingValue('prefix', raw ?? collectSetting('prefix').defaultValue ?? '', 'context "reportPrefix"'));
}

/** The tenant table: a name in the stack's account and region, or a table ARN used as given. */
export interface TenantTableRef {
  /** What the Lambda gets in TENANTS_TABLE_NAME (DynamoDB takes a table ARN wherever it takes a name). */
  readonly nameOrArn: string;
  /** Set when the table was given by ARN: the grant goes on exactly that ARN. */
  readonly arn?: string;
}

export function tenantTableRef(raw: string): TenantTableRef {
  const nameOrArn = String(checkedSettingValue('tableName', raw, 'context "tenantsTableName"'));
  return nameOrArn.startsWith('arn:') ? { nameOrArn, arn: nameOrArn } : { nameOrArn };
}

/** A bucket name, or its owner's account ID, checked as core checks REPORT_BUCKET_NAME / REPORT_BUCKET_OWNER. */
export function validBucketName(raw: string): string {
  return String(checkedSettingValue('bucketName', raw, 'context "existingBucketName"'));
}

export function validBucketOwner(raw: string): string {
  return String(checkedSettingValue('expectedBucketOwner', raw, 'context "existingBucketOwner"'));
}

// IAM grants kms:GenerateDataKey on a key ARN; a key ID or an alias would give a policy that allows nothing.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The KMS key for SSE-KMS uploads: its ARN, which both the policy and REPORT_KMS_KEY_ID use. */
export function validKmsKeyArn(raw: string): string {
  const text = raw.trim();
  if (!KMS_KEY_ARN.test(text)) {
    throw new DeploymentSettingError(
      `Invalid context "reportKmsKeyArn": "${raw}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); the collector's kms:GenerateDataKey grant needs the key's ARN, not its ID or an alias.`,
    );
  }
  return text;
}

/** A role name the Lambda may assume, checked as core checks CROSS_ACCOUNT_ROLE_NAME. */
export function validRoleName(raw: string, contextKey: string): string {
  return String(checkedSettingValue('roleName', raw, `context "${contextKey}"`));
}
