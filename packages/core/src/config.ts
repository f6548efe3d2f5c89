import { isValidExternalId, isValidRoleName } from './aws-names';
import { ConfigError } from './errors';
import type { SnapshotFormat } from './snapshot-pointer';

/** The validated configuration of one collection run. Core never reads `process.env`. */
export interface CollectConfig {
  /** The DynamoDB tenant table (name or ARN). */
  readonly tableName: string;
  /** Empty only for commands that do not assume roles (`tenants`). */
  readonly roleName: string;
  /** Secret: never log it. */
  readonly externalId?: string;
  /** Fail a tenant without an external_id of its own instead of assuming its role with the run-wide one or none. */
  readonly requireExternalId: boolean;
  /** Upload reports to S3. */
  readonly upload: boolean;
  /** S3 bucket for reports; required when `upload`. */
  readonly bucketName?: string;
  /** Empty, or ends with `/`. */
  readonly prefix: string;
  /** Sent as ExpectedBucketOwner; the apps default it to the collector's own account unless `anyBucketOwner`. */
  readonly expectedBucketOwner?: string;
  /** Send no ExpectedBucketOwner (a bucket of any account is accepted). */
  readonly anyBucketOwner: boolean;
  /** SSE-KMS key for uploads; else the bucket default encryption. */
  readonly kmsKeyId?: string;
  /** Also write reports to `localOutputDir`. */
  readonly saveLocal: boolean;
  /** Where local copies go (`saveLocal`). */
  readonly localOutputDir: string;
  /** The `status` value that selects a tenant. */
  readonly tenantStatus: string;
  /** The `service` value that selects a tenant. */
  readonly tenantService: string;
  /** `--tenant`: narrow the run to these IDs (empty = all selected tenants). */
  readonly tenantIds: readonly string[];
  /** `ou_path`, and the `ou_id_path` and `parent_id` detail columns. */
  readonly includeOuPath: boolean;
  /** `delegated_services`: the service principals each account is a delegated administrator for. */
  readonly includeDelegatedAdmins: boolean;
  /** The security, billing and operations alternate contact emails (Account Management). */
  readonly includeContacts: boolean;
  /** `enabled_regions` (Account Management ListRegions). */
  readonly includeRegions: boolean;
  /** Fixed tag columns, or undefined for every key found in the tenant. */
  readonly tagKeys?: readonly string[];
  /** Prefix CSV cells that a spreadsheet would run as formulas. */
  readonly escapeFormulas: boolean;
  /** Tenants collected at once. */
  readonly tenantConcurrency: number;
  /** Accounts read at once per tenant (tags and details). */
  readonly accountConcurrency: number;
  /** SDK attempts per AWS call (retries included). */
  readonly maxAttempts: number;
  /** Organizations calls per second per management account (the pacer backs off when throttled). */
  readonly orgRps: number;
  /** Assumed-role session length in seconds; credentials are refreshed before they expire. */
  readonly sessionDurationSeconds: number;
  /** How long a run's lock on the report prefix counts before another run may take it over (a crashed run). */
  readonly lockTtlSeconds: number;
  /** Take the run lock even though another run holds it (a stuck lock). */
  readonly force: boolean;
  /** Snapshot formats written per tenant (`--formats`); always has `csv` (Part 1's report), first. */
  readonly outputFormats: readonly SnapshotFormat[];
  /** Compare each tenant with its previous snapshot and write `changes.*` (`--no-changes` turns it off). */
  readonly detectChanges: boolean;
  /** EventBridge bus name or ARN that receives one event per change row. */
  readonly changeEventsBus?: string;
  /** Required tag keys measured per tenant (`tagCoverage`, `tag-coverage.csv`); empty = not measured. */
  readonly requiredTags: readonly string[];
  /** Write the run's HTML report beside the manifest (`--no-html-report` turns it off). */
  readonly htmlReport: boolean;
}

/** A raw value as it arrives from a CLI flag (typed by the parser) or an environment variable. */
export type RawValue = string | boolean | number | readonly (string | number)[] | undefined;

/** One row of the settings table {@link COLLECT_SETTINGS}: a setting, its flag, its variable and its parser. */
export interface SettingDefinition<K extends keyof CollectConfig> {
  /** The {@link CollectConfig} field it sets. */
  readonly key: K;
  /** CLI flag without dashes, as yargs names it (camelCase is derived by yargs). */
  readonly flag: string;
  /** Environment variable (the Lambda's only source); absent for CLI-only settings. */
  readonly envVar?: string;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** Shown in help; `undefined` means no default. */
  readonly defaultValue?: string;
  /** How the CLI parses the flag. */
  readonly kind: 'string' | 'boolean' | 'number' | 'array';
  /** Turns the raw value into the config value; returns an error sentence on bad input. */
  readonly parse: (raw: RawValue) => CollectConfig[K] | { readonly error: string };
}

/** Any row of {@link COLLECT_SETTINGS}, whatever field it sets. */
export type AnySetting = { [K in keyof CollectConfig]-?: SettingDefinition<K> }[keyof CollectConfig];

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no', ''];

function parseBoolean(raw: RawValue): boolean | { error: string } {
  // Stryker disable next-line ConditionalExpression,StringLiteral: String(true) and String(false) read back the same below
  if (typeof raw === 'boolean') return raw;
  const word = String(raw).trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return { error: `"${String(raw)}" is not a boolean; use true/1/yes or false/0/no` };
}

function parseInteger(min: number, max: number) {
  return (raw: RawValue): number | { error: string } => {
    const text = String(raw).trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      return { error: `"${String(raw)}" is not a whole number from ${min} to ${max}` };
    }
    return value;
  };
}

function matching(pattern: RegExp, what: string) {
  return (raw: RawValue): string | { error: string } => {
    const text = String(raw).trim();
    return pattern.test(text) ? text : { error: `"${String(raw)}" is not ${what}` };
  };
}

const TWELVE_DIGITS = /^\d{12}$/;
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE_NAME = /^([a-zA-Z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255})$/;

function nonEmpty(what: string) {
  return (raw: RawValue): string | { error: string } => {
    const text = String(raw).trim();
    return text ? text : { error: `${what} must not be empty` };
  };
}

function normalisePrefix(raw: RawValue): string | { error: string } {
  const text = String(raw).trim().replace(/^\/+/, '');
  if (text.length > 512) return { error: 'the prefix is longer than 512 characters' };
  return text === '' || text.endsWith('/') ? text : `${text}/`;
}

function parseTenantIds(raw: RawValue): string[] | { error: string } {
  const items = (Array.isArray(raw) ? raw : String(raw).split(',')).map((v) => String(v).trim()).filter(Boolean);
  const bad = items.find((id) => !TWELVE_DIGITS.test(id));
  if (bad !== undefined) return { error: `"${bad}" is not a 12-digit AWS account ID` };
  return [...new Set(items)];
}

function parseTagKeys(raw: RawValue): string[] | { error: string } {
  const items = (Array.isArray(raw) ? raw.join(',') : String(raw)).split(',').map((k) => k.trim());
  if (items.some((k) => k === '')) return { error: 'tag keys must be a comma-separated list without empty entries, e.g. CostCenter,Owner' };
  if (new Set(items).size !== items.length) return { error: 'tag keys must not repeat' };
  return items;
}

const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'parquet'];

/** `csv,parquet` → the formats, `csv` first; `csv` is required since accounts.csv is Part 1's report. */
function parseFormats(raw: RawValue): SnapshotFormat[] | { error: string } {
  const items = (Array.isArray(raw) ? raw.join(',') : String(raw))
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const unknown = items.find((f) => !(SNAPSHOT_FORMATS as readonly string[]).includes(f));
  if (unknown !== undefined) return { error: `"${unknown}" is not a format; use csv or csv,parquet` };
  if (!items.includes('csv')) return { error: 'the formats must include csv (accounts.csv is always written); use csv or csv,parquet' };
  return SNAPSHOT_FORMATS.filter((f) => items.includes(f));
}

// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html (EventBusName: name or ARN)
const EVENT_BUS = /^([\w.\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]{1,256})$/;

/**
 * Every setting of a collection run: the one place that knows flag names,
 * environment variables, defaults and validation. Help text is generated from it.
 *
 * @example A settings reference for your own tool
 * ```ts
 * for (const setting of COLLECT_SETTINGS) {
 *   console.log(`--${setting.flag}\t${setting.envVar ?? ''}\t${setting.defaultValue ?? ''}\t${setting.description}`);
 * }
 * ```
 */
export const COLLECT_SETTINGS: readonly AnySetting[] = [
  {
    key: 'tableName',
    flag: 'table',
    envVar: 'TENANTS_TABLE_NAME',
    kind: 'string',
    description: 'DynamoDB table of tenants (required)',
    parse: matching(TABLE_NAME, 'a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -) or table ARN'),
  },
  {
    key: 'roleName',
    flag: 'role-name',
    envVar: 'CROSS_ACCOUNT_ROLE_NAME',
    kind: 'string',
    description: "Role assumed in each tenant's management account (required)",
    parse: (raw) =>
      isValidRoleName(String(raw).trim())
        ? String(raw).trim()
        : { error: `"${String(raw)}" is not an IAM role name (1-64 of letters, digits and +=,.@_-)` },
  },
  {
    key: 'externalId',
    flag: 'external-id',
    envVar: 'CROSS_ACCOUNT_EXTERNAL_ID',
    kind: 'string',
    description: 'STS ExternalId (a per-tenant external_id attribute wins)',
    parse: (raw) =>
      isValidExternalId(String(raw))
        ? String(raw)
        : { error: 'the value is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-)' },
  },
  {
    key: 'requireExternalId',
    flag: 'require-external-id',
    envVar: 'REQUIRE_EXTERNAL_ID',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Fail (without assuming its role) a tenant whose item has no external_id of its own',
    parse: parseBoolean,
  },
  {
    key: 'upload',
    flag: 'upload',
    kind: 'boolean',
    defaultValue: 'true',
    description: 'Upload reports to S3 (--no-upload writes only local copies)',
    parse: parseBoolean,
  },
  {
    key: 'bucketName',
    flag: 'bucket',
    envVar: 'REPORT_BUCKET_NAME',
    kind: 'string',
    description: 'S3 bucket for reports (required unless --no-upload)',
    parse: matching(BUCKET_NAME, 'a valid S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit)'),
  },
  {
    key: 'prefix',
    flag: 'prefix',
    envVar: 'REPORT_PREFIX',
    kind: 'string',
    defaultValue: 'org-accounts/',
    description: 'Key prefix for reports and manifests',
    parse: normalisePrefix,
  },
  {
    key: 'expectedBucketOwner',
    flag: 'expected-bucket-owner',
    envVar: 'REPORT_BUCKET_OWNER',
    kind: 'string',
    description: "Account ID sent as ExpectedBucketOwner on every S3 call (default: the collector's own account)",
    parse: matching(TWELVE_DIGITS, 'a 12-digit AWS account ID'),
  },
  {
    key: 'anyBucketOwner',
    flag: 'any-bucket-owner',
    envVar: 'REPORT_ANY_BUCKET_OWNER',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Send no ExpectedBucketOwner: accept a report bucket owned by any account',
    parse: parseBoolean,
  },
  {
    key: 'kmsKeyId',
    flag: 'kms-key-id',
    envVar: 'REPORT_KMS_KEY_ID',
    kind: 'string',
    description: "KMS key for SSE-KMS uploads (else the bucket's default encryption)",
    parse: nonEmpty('the KMS key ID'),
  },
  {
    key: 'saveLocal',
    flag: 'save-local',
    envVar: 'SAVE_LOCAL',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Also write reports to disk',
    parse: parseBoolean,
  },
  {
    key: 'localOutputDir',
    flag: 'out-dir',
    envVar: 'LOCAL_OUTPUT_DIR',
    kind: 'string',
    defaultValue: './reports',
    description: 'Where local reports go',
    parse: nonEmpty('the output directory'),
  },
  {
    key: 'tenantStatus',
    flag: 'tenant-status',
    envVar: 'TENANT_STATUS',
    kind: 'string',
    defaultValue: 'active',
    description: 'Status value that selects a tenant',
    parse: nonEmpty('the tenant status'),
  },
  {
    key: 'tenantService',
    flag: 'tenant-service',
    envVar: 'TENANT_SERVICE',
    kind: 'string',
    defaultValue: 'AWS Cloud Usage',
    description: 'Service value that selects a tenant',
    parse: nonEmpty('the tenant service'),
  },
  {
    key: 'tenantIds',
    flag: 'tenant',
    kind: 'array',
    defaultValue: '',
    description: 'Only these tenant IDs (repeatable)',
    parse: parseTenantIds,
  },
  {
    key: 'includeOuPath',
    flag: 'ou-path',
    envVar: 'INCLUDE_OU_PATH',
    kind: 'boolean',
    defaultValue: 'false',
    description: "Fill ou_path, ou_id_path and parent_id (from the accounts' Paths where AWS returns them, else a walk of the OU tree)",
    parse: parseBoolean,
  },
  {
    key: 'includeDelegatedAdmins',
    flag: 'delegated-admins',
    envVar: 'INCLUDE_DELEGATED_ADMINS',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Add delegated_services: the service principals each account is a delegated administrator for',
    parse: parseBoolean,
  },
  {
    key: 'includeContacts',
    flag: 'contacts',
    envVar: 'INCLUDE_CONTACTS',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Add the security, billing and operations alternate contact emails (needs trusted access for Account Management)',
    parse: parseBoolean,
  },
  {
    key: 'includeRegions',
    flag: 'regions',
    envVar: 'INCLUDE_REGIONS',
    kind: 'boolean',
    defaultValue: 'false',
    description: 'Add enabled_regions: the Regions enabled in each account (needs trusted access for Account Management)',
    parse: parseBoolean,
  },
  {
    key: 'tagKeys',
    flag: 'tag-keys',
    envVar: 'TAG_KEYS',
    kind: 'string',
    description: 'Fixed tag columns, e.g. CostCenter,Owner (default: every key found)',
    parse: parseTagKeys,
  },
  {
    key: 'escapeFormulas',
    flag: 'escape-formulas',
    envVar: 'ESCAPE_FORMULAS',
    kind: 'boolean',
    defaultValue: 'true',
    description: "Prefix cells starting with = + - @ tab CR LF with ' (--no-escape-formulas turns it off)",
    parse: parseBoolean,
  },
  {
    key: 'tenantConcurrency',
    flag: 'tenant-concurrency',
    envVar: 'TENANT_CONCURRENCY',
    kind: 'number',
    defaultValue: '8',
    description: 'Tenants collected in parallel',
    parse: parseInteger(1, 256),
  },
  {
    key: 'accountConcurrency',
    flag: 'account-concurrency',
    envVar: 'ACCOUNT_CONCURRENCY',
    kind: 'number',
    defaultValue: '4',
    description: 'Tag calls in flight per tenant',
    parse: parseInteger(1, 64),
  },
  {
    key: 'orgRps',
    flag: 'org-rps',
    envVar: 'ORG_RPS',
    kind: 'number',
    defaultValue: '20',
    description: 'Organizations calls per second per tenant organization; slows down when throttled, then recovers',
    parse: parseInteger(1, 1000),
  },
  {
    key: 'maxAttempts',
    flag: 'max-attempts',
    envVar: 'AWS_MAX_ATTEMPTS',
    kind: 'number',
    defaultValue: '8',
    description: 'Attempts per AWS call (throttling and transient errors are retried with backoff)',
    parse: parseInteger(1, 30),
  },
  {
    key: 'sessionDurationSeconds',
    flag: 'session-duration',
    envVar: 'ROLE_SESSION_DURATION',
    kind: 'number',
    defaultValue: '3600',
    description: 'Assumed-role session length in seconds (900-3600; role chaining caps it at 1 hour)',
    parse: parseInteger(900, 3600),
  },
  {
    key: 'lockTtlSeconds',
    flag: 'lock-ttl',
    envVar: 'RUN_LOCK_TTL_SECONDS',
    kind: 'number',
    defaultValue: '3600',
    description:
      "Seconds a run's lock on the report prefix lasts; after that (a crashed run) the next run takes it over. Longer than the longest run",
    parse: parseInteger(60, 7 * 24 * 3600),
  },
  {
    // CLI only, on purpose: a variable would leave every later run forcing its way past live runs.
    key: 'force',
    flag: 'force',
    kind: 'boolean',
    defaultValue: 'false',
    description:
      'Take the run lock even though another run holds it (for a stuck lock; the other run, if alive, may then clobber this one)',
    parse: parseBoolean,
  },
  {
    key: 'outputFormats',
    flag: 'formats',
    envVar: 'OUTPUT_FORMATS',
    kind: 'string',
    defaultValue: 'csv,parquet',
    description: 'Snapshot formats per tenant: csv,parquet or csv (accounts.csv is always written)',
    parse: parseFormats,
  },
  {
    key: 'detectChanges',
    flag: 'changes',
    envVar: 'DETECT_CHANGES',
    kind: 'boolean',
    defaultValue: 'true',
    description: 'Compare each tenant with its previous snapshot and write changes.csv (--no-changes turns it off)',
    parse: parseBoolean,
  },
  {
    key: 'changeEventsBus',
    flag: 'events-bus',
    envVar: 'CHANGE_EVENTS_BUS',
    kind: 'string',
    description: 'EventBridge bus (name or ARN) that receives one event per change',
    parse: matching(EVENT_BUS, 'an EventBridge bus name or ARN'),
  },
  {
    key: 'requiredTags',
    flag: 'required-tags',
    envVar: 'REQUIRED_TAGS',
    kind: 'string',
    defaultValue: '',
    description: 'Tag keys every ACTIVE account should carry, e.g. CostCenter,Owner (coverage per tenant, tag-coverage.csv)',
    parse: (raw) => (String(raw).trim() === '' ? [] : parseTagKeys(raw)),
  },
  {
    key: 'htmlReport',
    flag: 'html-report',
    envVar: 'HTML_REPORT',
    kind: 'boolean',
    defaultValue: 'true',
    description: "Write the run's HTML report beside the manifest (--no-html-report turns it off)",
    parse: parseBoolean,
  },
];

/** The raw inputs of {@link resolveCollectConfig}: parsed CLI flags (by flag name) and environment variables. */
export interface ConfigInput {
  /** Parsed CLI flags keyed by flag name; `undefined` when the flag was not given. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** Environment variables (process env merged over the `.env` file by the app). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

function describeSource(setting: AnySetting, source: 'flag' | 'env'): string {
  return source === 'flag' ? `--${setting.flag}` : `${setting.envVar}`;
}

function bothNames(setting: AnySetting): string {
  return setting.envVar ? `--${setting.flag} / ${setting.envVar}` : `--${setting.flag}`;
}

/** Where the operator changes settings: flags of the `orgmeta` command, or the Lambda's environment variables. */
export type Surface = 'cli' | 'lambda';

/**
 * How a setting is named on a surface, from the settings table: in the CLI its flag, with the
 * variable the CLI also reads (`--table / TENANTS_TABLE_NAME`); in the Lambda only the variable
 * (`TENANTS_TABLE_NAME`); undefined when that surface cannot set it (`--tenant` in the Lambda).
 */
export function settingName(key: keyof CollectConfig, surface: Surface): string | undefined {
  const setting = COLLECT_SETTINGS.find((s) => s.key === key);
  // Stryker disable next-line ConditionalExpression: every key of CollectConfig has a row (config-validation.test.ts lists them)
  if (!setting) return undefined;
  return surface === 'cli' ? bothNames(setting) : setting.envVar;
}

/** Which settings a command cannot do without (the table is always needed). */
export interface ConfigRequirements {
  /** Require a role name (commands that assume roles). */
  readonly roleName: boolean;
  /** Require a bucket unless uploads are off. */
  readonly bucket: boolean;
  /** Default true; `orgmeta changes` reads only the output store. */
  readonly table?: boolean;
}

/**
 * Resolves the run configuration: a CLI flag wins over an environment variable, which wins over the default.
 * Throws one ConfigError whose message has a line per problem, each naming the flag/variable.
 *
 * @example From environment variables only (as the Lambda reads them), writing nothing to S3
 * ```ts
 * const config = resolveCollectConfig(
 *   { flags: { upload: false, tenant: ['111122223333'] }, env: process.env },
 *   { roleName: true, bucket: false },
 * );
 * ```
 */
export function resolveCollectConfig(
  input: ConfigInput,
  requirements: ConfigRequirements = { roleName: true, bucket: true },
): CollectConfig {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  // A setting given but invalid is reported once, as invalid, not a second time as missing.
  const invalid = new Set<string>();
  for (const setting of COLLECT_SETTINGS) {
    const flagValue = input.flags[setting.flag] as RawValue;
    const envValue = setting.envVar ? input.env[setting.envVar] : undefined;
    let raw: RawValue;
    let source: 'flag' | 'env' | 'default';
    // Stryker disable next-line ConditionalExpression: --tenant is the only list; an empty one parses as its default ('') does
    if (flagValue !== undefined && !(Array.isArray(flagValue) && flagValue.length === 0)) {
      raw = flagValue;
      source = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
      // Stryker disable next-line StringLiteral: describeSource names the variable for anything but 'flag'
      source = 'env';
    } else if (setting.defaultValue !== undefined) {
      raw = setting.defaultValue;
      // Stryker disable next-line StringLiteral: a default never fails its own parse, so 'default' only names the source below
      source = 'default';
    } else {
      continue;
    }
    const parsed = setting.parse(raw);
    // Stryker disable next-line ConditionalExpression: no parser returns null
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      // Stryker disable next-line ConditionalExpression,StringLiteral: a default never fails its own parse
      const where = source === 'default' ? bothNames(setting) : describeSource(setting, source);
      problems.push(`Invalid ${where}: ${parsed.error}.`);
      invalid.add(setting.key);
    } else {
      values[setting.key] = parsed;
    }
  }
  if (requirements.table !== false && values.tableName === undefined && !invalid.has('tableName')) {
    problems.push('Missing tenant table: set --table or TENANTS_TABLE_NAME to the DynamoDB table of tenants.');
  }
  if (requirements.roleName && values.roleName === undefined && !invalid.has('roleName')) {
    problems.push(
      "Missing role name: set --role-name or CROSS_ACCOUNT_ROLE_NAME to the role to assume in each tenant's management account.",
    );
  }
  if (requirements.bucket && values.upload === true && values.bucketName === undefined && !invalid.has('bucketName')) {
    problems.push('Missing report bucket: set --bucket or REPORT_BUCKET_NAME, or pass --no-upload to write only local copies.');
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  // With --no-upload the reports only go to disk, so saving locally is implied.
  if (values.upload === false) values.saveLocal = true;
  values.roleName ??= '';
  return values as unknown as CollectConfig;
}
