import type { App } from 'aws-cdk-lib';
import { parseEnvironmentContext } from './collector-environment';
import type { CollectorMode, CollectorStackProps } from './collector-stack';
import { DEFAULT_MAX_CONCURRENCY, checkedMaxConcurrency } from './constructs/fanout-collector';
import { DeploymentSettingError, checkedSettingValue } from './settings';

/** What the app builds when a context key is not given (a first deployment). */
const DEFAULTS = {
  mode: 'single',
  tenantsTableName: 'orgmeta-tenants',
  readerRoleName: 'OrgMetaReader',
  maxConcurrency: String(DEFAULT_MAX_CONCURRENCY),
  // Tenants without an ExternalId are refused unless -c requireExternalId=false.
  requireExternalId: 'true',
} as const;

/** A context value as text: `-c key=value` gives strings, cdk.json may give numbers or booleans. */
function contextText(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new DeploymentSettingError(`Invalid context "${key}": expected text, got ${JSON.stringify(value)}.`);
}

function optionalEntry(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

function parseMode(text: string): CollectorMode {
  if (text === 'single' || text === 'fanout') return text;
  throw new DeploymentSettingError(`Invalid context "mode": "${text}" is neither single nor fanout.`);
}

function parseMaxConcurrency(text: string): number {
  return checkedMaxConcurrency(/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN, text);
}

/**
 * The collector's settings from CDK context (cdk.json, or `-c key=value`). Values are checked
 * at synth (here, or by CollectorStack for what its props share with the Lambda's settings),
 * so a bad value fails `cdk synth` with the key to fix, not the first night's run.
 */
export function collectorContext(app: App): Omit<CollectorStackProps, 'env' | 'description' | 'stackName' | 'tags'> {
  return {
    mode: parseMode(contextText(app, 'mode') ?? DEFAULTS.mode),
    tenantsTableName: contextText(app, 'tenantsTableName') ?? DEFAULTS.tenantsTableName,
    readerRoleName: contextText(app, 'readerRoleName') ?? DEFAULTS.readerRoleName,
    // Per-tenant role_name values the collector may assume besides readerRoleName, comma-separated.
    extraReaderRoleNames: contextText(app, 'extraReaderRoleNames')
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    // Core's settings for the handlers, as JSON: {"TAG_KEYS":"CostCenter,Owner"}; the fleet inventory's
    // own keys (outputFormats, requiredTags) are shorthands for OUTPUT_FORMATS and REQUIRED_TAGS there.
    collectorEnvironment: parseEnvironmentContext({
      ...parseEnvironmentContext(app.node.tryGetContext('environment')),
      ...optionalEntry('OUTPUT_FORMATS', contextText(app, 'outputFormats')),
      ...optionalEntry('REQUIRED_TAGS', contextText(app, 'requiredTags')),
    }),
    changeEventsBus: contextText(app, 'changeEventsBus'),
    // The Glue database of the SQL tables (default orgmeta), checked by CollectorStack.
    sqlDatabaseName: contextText(app, 'glueDatabaseName'),
    existingBucketName: contextText(app, 'existingBucketName'),
    existingBucketOwner: contextText(app, 'existingBucketOwner'),
    reportPrefix: contextText(app, 'reportPrefix'),
    reportKmsKeyArn: contextText(app, 'reportKmsKeyArn'),
    alarmTopicArn: contextText(app, 'alarmTopicArn'),
    maxConcurrency: parseMaxConcurrency(contextText(app, 'maxConcurrency') ?? DEFAULTS.maxConcurrency),
    // Checked with core's own parser for REQUIRE_EXTERNAL_ID (true/1/yes, false/0/no).
    requireExternalId: checkedSettingValue(
      'requireExternalId',
      contextText(app, 'requireExternalId') ?? DEFAULTS.requireExternalId,
      'context "requireExternalId"',
    ) as boolean,
  };
}
