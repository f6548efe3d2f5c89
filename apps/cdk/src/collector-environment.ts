import { COLLECT_SETTINGS, type CollectConfig } from '@orgmeta/core';
import { COLLECTOR_NAME_ENV_VAR, LAMBDA_SETTINGS } from './handlers/lambda-settings';
import { DeploymentSettingError, envVarOf, settingForEnvVar } from './settings';

/** Where the extra environment comes from, as operators write it. */
const ENVIRONMENT_CONTEXT = 'context "environment"';

/** Settings the stack wires from its own props, and the context key that sets each one instead. */
const WIRED_BY_STACK: Partial<Record<keyof CollectConfig, string>> = {
  tableName: 'tenantsTableName',
  roleName: 'readerRoleName',
  bucketName: 'existingBucketName',
  prefix: 'reportPrefix',
  expectedBucketOwner: 'existingBucketOwner',
  // Dropping ExpectedBucketOwner would undo the owner the stack wires (its account, or existingBucketOwner).
  anyBucketOwner: 'existingBucketOwner',
  kmsKeyId: 'reportKmsKeyArn',
  requireExternalId: 'requireExternalId',
  // The stack grants events:PutEvents on exactly this bus.
  changeEventsBus: 'changeEventsBus',
};

/** Settings that must not reach the Lambda at all, and why. */
const REFUSED: Partial<Record<keyof CollectConfig, string>> = {
  externalId:
    "an ExternalId in the function's environment is readable by anyone who can read its configuration; put each tenant's ExternalId in the external_id attribute of its tenant-table item",
  saveLocal: 'the Lambda writes reports to S3 only',
  localOutputDir: 'the Lambda writes reports to S3 only',
};

/** What the stack itself decides for the collector. */
export interface WiredSettings {
  readonly tableName: string;
  readonly roleName: string;
  readonly bucketName: string;
  /** Already normalised. */
  readonly prefix: string;
  readonly expectedBucketOwner: string;
  readonly kmsKeyId?: string;
  /** Names the collector in the handlers' metrics; the alarms watch this name. */
  readonly collectorName: string;
  /** Refuse to assume a tenant role without an ExternalId. */
  readonly requireExternalId: boolean;
  readonly changeEventsBus?: string;
}

/** The context key that sets this variable, when the stack wires it. */
function contextKeyWiring(envVar: string): string | undefined {
  return Object.entries(WIRED_BY_STACK).find(([key]) => envVarOf(key as keyof CollectConfig) === envVar)?.[1];
}

/** Every variable an operator may set through the environment context. */
function allowedEnvVars(): string[] {
  const decidedElsewhere = new Set<string>([...Object.keys(WIRED_BY_STACK), ...Object.keys(REFUSED)]);
  const settings = COLLECT_SETTINGS.filter((setting) => !decidedElsewhere.has(setting.key));
  return [...settings.flatMap((setting) => (setting.envVar ? [setting.envVar] : [])), ...LAMBDA_SETTINGS.map((setting) => setting.envVar)];
}

/** The value checked by the setting's own parser. */
function valueProblem(key: string, value: unknown, example: string, parse: (raw: string) => unknown): string | undefined {
  if (typeof value !== 'string') return `${key} must be a string (e.g. "${example}"), not ${JSON.stringify(value)}.`;
  const parsed = parse(value);
  return typeof parsed === 'object' && parsed !== null && 'error' in parsed ? `${key}: ${String(parsed.error)}.` : undefined;
}

/** One sentence per problem with one key of the extra environment, or undefined when it is fine. */
function problemWith(key: string, value: unknown): string | undefined {
  const contextKey = contextKeyWiring(key);
  if (contextKey) return `${key} is set by the stack; use the context key "${contextKey}" instead.`;
  if (key === COLLECTOR_NAME_ENV_VAR) return `${key} is set by the stack to its own name: the alarms watch the metrics under that name.`;
  const lambdaSetting = LAMBDA_SETTINGS.find((setting) => setting.envVar === key);
  if (lambdaSetting) return valueProblem(key, value, lambdaSetting.defaultValue, lambdaSetting.parse);
  const setting = settingForEnvVar(key);
  if (!setting) return `${key} is not an environment variable of the collector; use one of ${allowedEnvVars().join(', ')}.`;
  const refusal = REFUSED[setting.key];
  if (refusal) return `${key} is not accepted: ${refusal}.`;
  return valueProblem(key, value, setting.defaultValue ?? 'value', (raw) => setting.parse(raw));
}

/**
 * The operator's extra environment for the handlers (TAG_KEYS, INCLUDE_OU_PATH…, LOG_LEVEL), checked
 * at synth with the same rules the Lambda applies at start: only the collector's own variables,
 * never one the stack wires or a secret, every value valid. Throws one error naming each bad key.
 */
export function checkedExtraEnvironment(extra: unknown): Record<string, string> {
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new DeploymentSettingError(
      `Invalid ${ENVIRONMENT_CONTEXT}: it must be a JSON object of environment variables, e.g. {"TAG_KEYS":"CostCenter,Owner"}.`,
    );
  }
  const entries = Object.entries(extra);
  const problems = entries.map(([key, value]) => problemWith(key, value)).filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new DeploymentSettingError(`Invalid ${ENVIRONMENT_CONTEXT}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return Object.fromEntries(entries as [string, string][]);
}

/** The environment context as given on the command line (a JSON string) or in cdk.json (an object). */
export function parseEnvironmentContext(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') return checkedExtraEnvironment(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new DeploymentSettingError(
      `Invalid ${ENVIRONMENT_CONTEXT}: ${error instanceof Error ? error.message : String(error)}; give a JSON object such as {"TAG_KEYS":"CostCenter,Owner"}.`,
    );
  }
  return checkedExtraEnvironment(parsed);
}

/** The handlers' environment: the checked extra settings, then everything the stack wires. */
export function collectorEnvironment(wired: WiredSettings, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ...checkedExtraEnvironment(extra),
    [envVarOf('tableName')]: wired.tableName,
    [envVarOf('roleName')]: wired.roleName,
    [envVarOf('bucketName')]: wired.bucketName,
    [envVarOf('prefix')]: wired.prefix,
    [envVarOf('expectedBucketOwner')]: wired.expectedBucketOwner,
    ...(wired.kmsKeyId ? { [envVarOf('kmsKeyId')]: wired.kmsKeyId } : {}),
    [COLLECTOR_NAME_ENV_VAR]: wired.collectorName,
    [envVarOf('requireExternalId')]: String(wired.requireExternalId),
    ...(wired.changeEventsBus ? { [envVarOf('changeEventsBus')]: wired.changeEventsBus } : {}),
  };
}
