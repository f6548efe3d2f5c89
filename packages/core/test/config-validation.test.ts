import { COLLECT_SETTINGS, ConfigError, resolveCollectConfig, settingName } from '../src';

const REQUIRED_ENV = { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'my-reports' };

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The one problem a single flag causes, with the required settings in place. */
function flagProblem(flag: string, value: unknown): string {
  return configError(() => resolveCollectConfig({ flags: { [flag]: value }, env: REQUIRED_ENV }));
}

function withFlag(flag: string, value: unknown) {
  return resolveCollectConfig({ flags: { [flag]: value }, env: REQUIRED_ENV });
}

describe('the settings table (flags, variables, defaults and help text are the user interface)', () => {
  it('lists every setting with its flag, variable, kind, default and help text', () => {
    expect(COLLECT_SETTINGS.map((s) => [s.key, s.flag, s.envVar, s.kind, s.defaultValue, s.description])).toEqual([
      ['tableName', 'table', 'TENANTS_TABLE_NAME', 'string', undefined, 'DynamoDB table of tenants (required)'],
      [
        'roleName',
        'role-name',
        'CROSS_ACCOUNT_ROLE_NAME',
        'string',
        undefined,
        "Role assumed in each tenant's management account (required)",
      ],
      [
        'externalId',
        'external-id',
        'CROSS_ACCOUNT_EXTERNAL_ID',
        'string',
        undefined,
        'STS ExternalId (a per-tenant external_id attribute wins)',
      ],
      [
        'requireExternalId',
        'require-external-id',
        'REQUIRE_EXTERNAL_ID',
        'boolean',
        'false',
        'Fail (without assuming its role) a tenant whose item has no external_id of its own',
      ],
      ['upload', 'upload', undefined, 'boolean', 'true', 'Upload reports to S3 (--no-upload writes only local copies)'],
      ['bucketName', 'bucket', 'REPORT_BUCKET_NAME', 'string', undefined, 'S3 bucket for reports (required unless --no-upload)'],
      ['prefix', 'prefix', 'REPORT_PREFIX', 'string', 'org-accounts/', 'Key prefix for reports and manifests'],
      [
        'expectedBucketOwner',
        'expected-bucket-owner',
        'REPORT_BUCKET_OWNER',
        'string',
        undefined,
        "Account ID sent as ExpectedBucketOwner on every S3 call (default: the collector's own account)",
      ],
      [
        'anyBucketOwner',
        'any-bucket-owner',
        'REPORT_ANY_BUCKET_OWNER',
        'boolean',
        'false',
        'Send no ExpectedBucketOwner: accept a report bucket owned by any account',
      ],
      [
        'kmsKeyId',
        'kms-key-id',
        'REPORT_KMS_KEY_ID',
        'string',
        undefined,
        "KMS key for SSE-KMS uploads (else the bucket's default encryption)",
      ],
      ['saveLocal', 'save-local', 'SAVE_LOCAL', 'boolean', 'false', 'Also write reports to disk'],
      ['localOutputDir', 'out-dir', 'LOCAL_OUTPUT_DIR', 'string', './reports', 'Where local reports go'],
      ['tenantStatus', 'tenant-status', 'TENANT_STATUS', 'string', 'active', 'Status value that selects a tenant'],
      ['tenantService', 'tenant-service', 'TENANT_SERVICE', 'string', 'AWS Cloud Usage', 'Service value that selects a tenant'],
      ['tenantIds', 'tenant', undefined, 'array', '', 'Only these tenant IDs (repeatable)'],
      [
        'includeOuPath',
        'ou-path',
        'INCLUDE_OU_PATH',
        'boolean',
        'false',
        "Fill ou_path, ou_id_path and parent_id (from the accounts' Paths where AWS returns them, else a walk of the OU tree)",
      ],
      [
        'includeDelegatedAdmins',
        'delegated-admins',
        'INCLUDE_DELEGATED_ADMINS',
        'boolean',
        'false',
        'Add delegated_services: the service principals each account is a delegated administrator for',
      ],
      [
        'includeContacts',
        'contacts',
        'INCLUDE_CONTACTS',
        'boolean',
        'false',
        'Add the security, billing and operations alternate contact emails (needs trusted access for Account Management)',
      ],
      [
        'includeRegions',
        'regions',
        'INCLUDE_REGIONS',
        'boolean',
        'false',
        'Add enabled_regions: the Regions enabled in each account (needs trusted access for Account Management)',
      ],
      ['tagKeys', 'tag-keys', 'TAG_KEYS', 'string', undefined, 'Fixed tag columns, e.g. CostCenter,Owner (default: every key found)'],
      [
        'escapeFormulas',
        'escape-formulas',
        'ESCAPE_FORMULAS',
        'boolean',
        'true',
        "Prefix cells starting with = + - @ tab CR LF with ' (--no-escape-formulas turns it off)",
      ],
      ['tenantConcurrency', 'tenant-concurrency', 'TENANT_CONCURRENCY', 'number', '8', 'Tenants collected in parallel'],
      ['accountConcurrency', 'account-concurrency', 'ACCOUNT_CONCURRENCY', 'number', '4', 'Tag calls in flight per tenant'],
      [
        'orgRps',
        'org-rps',
        'ORG_RPS',
        'number',
        '20',
        'Organizations calls per second per tenant organization; slows down when throttled, then recovers',
      ],
      [
        'maxAttempts',
        'max-attempts',
        'AWS_MAX_ATTEMPTS',
        'number',
        '8',
        'Attempts per AWS call (throttling and transient errors are retried with backoff)',
      ],
      [
        'sessionDurationSeconds',
        'session-duration',
        'ROLE_SESSION_DURATION',
        'number',
        '3600',
        'Assumed-role session length in seconds (900-3600; role chaining caps it at 1 hour)',
      ],
      [
        'lockTtlSeconds',
        'lock-ttl',
        'RUN_LOCK_TTL_SECONDS',
        'number',
        '3600',
        "Seconds a run's lock on the report prefix lasts; after that (a crashed run) the next run takes it over. Longer than the longest run",
      ],
      [
        'force',
        'force',
        undefined,
        'boolean',
        'false',
        'Take the run lock even though another run holds it (for a stuck lock; the other run, if alive, may then clobber this one)',
      ],
      [
        'outputFormats',
        'formats',
        'OUTPUT_FORMATS',
        'string',
        'csv,parquet',
        'Snapshot formats per tenant: csv,parquet or csv (accounts.csv is always written)',
      ],
      [
        'detectChanges',
        'changes',
        'DETECT_CHANGES',
        'boolean',
        'true',
        'Compare each tenant with its previous snapshot and write changes.csv (--no-changes turns it off)',
      ],
      [
        'changeEventsBus',
        'events-bus',
        'CHANGE_EVENTS_BUS',
        'string',
        undefined,
        'EventBridge bus (name or ARN) that receives one event per change',
      ],
      [
        'requiredTags',
        'required-tags',
        'REQUIRED_TAGS',
        'string',
        '',
        'Tag keys every ACTIVE account should carry, e.g. CostCenter,Owner (coverage per tenant, tag-coverage.csv)',
      ],
      [
        'htmlReport',
        'html-report',
        'HTML_REPORT',
        'boolean',
        'true',
        "Write the run's HTML report beside the manifest (--no-html-report turns it off)",
      ],
    ]);
  });

  it('names a setting by flag and variable in the CLI, by variable in the Lambda', () => {
    expect(settingName('tableName', 'cli')).toBe('--table / TENANTS_TABLE_NAME');
    expect(settingName('tableName', 'lambda')).toBe('TENANTS_TABLE_NAME');
    expect(settingName('upload', 'cli')).toBe('--upload');
    expect(settingName('upload', 'lambda')).toBeUndefined();
  });
});

describe('resolveCollectConfig validation', () => {
  it('accepts the bounds of every whole-number setting and refuses one past them', () => {
    const bounds: readonly [string, number, number][] = [
      ['tenant-concurrency', 1, 256],
      ['account-concurrency', 1, 64],
      ['org-rps', 1, 1000],
      ['max-attempts', 1, 30],
      ['session-duration', 900, 3600],
      ['lock-ttl', 60, 604800],
    ];
    for (const [flag, min, max] of bounds) {
      const key = COLLECT_SETTINGS.find((s) => s.flag === flag)?.key ?? 'tableName';
      expect(withFlag(flag, min)[key]).toBe(min);
      expect(withFlag(flag, max)[key]).toBe(max);
      expect(withFlag(flag, ` ${max} `)[key]).toBe(max);
      expect(flagProblem(flag, min - 1)).toBe(`Invalid --${flag}: "${min - 1}" is not a whole number from ${min} to ${max}.`);
      expect(flagProblem(flag, max + 1)).toBe(`Invalid --${flag}: "${max + 1}" is not a whole number from ${min} to ${max}.`);
    }
    expect(flagProblem('max-attempts', '2.5')).toBe('Invalid --max-attempts: "2.5" is not a whole number from 1 to 30.');
    expect(flagProblem('max-attempts', '3x')).toBe('Invalid --max-attempts: "3x" is not a whole number from 1 to 30.');
    expect(flagProblem('max-attempts', 'x3')).toBe('Invalid --max-attempts: "x3" is not a whole number from 1 to 30.');
  });

  it('reads true/1/yes and false/0/no (any case, trimmed), and refuses other words', () => {
    for (const word of ['true', '1', 'yes', ' YES ', 'True']) expect(withFlag('ou-path', word).includeOuPath).toBe(true);
    for (const word of ['false', '0', 'no', ' No ', 'FALSE']) expect(withFlag('ou-path', word).includeOuPath).toBe(false);
    expect(withFlag('ou-path', true).includeOuPath).toBe(true);
    expect(withFlag('ou-path', false).includeOuPath).toBe(false);
    expect(flagProblem('ou-path', 'maybe')).toBe('Invalid --ou-path: "maybe" is not a boolean; use true/1/yes or false/0/no.');
    const fromEnv = (value: string) => resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, INCLUDE_OU_PATH: value } }).includeOuPath;
    expect(fromEnv('yes')).toBe(true);
    expect(fromEnv('no')).toBe(false);
    // An empty variable counts as unset: the default applies.
    expect(fromEnv('')).toBe(false);
    expect(resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, ESCAPE_FORMULAS: '' } }).escapeFormulas).toBe(true);
    // A variable of blanks is given (only an empty one is unset) and reads as false, as an empty word does.
    expect(fromEnv('  ')).toBe(false);
    expect(resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, ESCAPE_FORMULAS: ' ' } }).escapeFormulas).toBe(false);
  });

  it('names the variable when the bad value came from the environment', () => {
    expect(configError(() => resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, AWS_MAX_ATTEMPTS: '0' } }))).toBe(
      'Invalid AWS_MAX_ATTEMPTS: "0" is not a whole number from 1 to 30.',
    );
  });

  it('normalises the prefix: no leading slash, one trailing slash, empty allowed, at most 512 characters', () => {
    expect(withFlag('prefix', '//a/b').prefix).toBe('a/b/');
    expect(withFlag('prefix', ' a/ ').prefix).toBe('a/');
    expect(withFlag('prefix', '/').prefix).toBe('');
    expect(withFlag('prefix', 'x'.repeat(511)).prefix).toBe(`${'x'.repeat(511)}/`);
    expect(withFlag('prefix', 'x'.repeat(512)).prefix).toBe(`${'x'.repeat(512)}/`);
    expect(flagProblem('prefix', 'x'.repeat(513))).toBe('Invalid --prefix: the prefix is longer than 512 characters.');
  });

  it('takes --tenant IDs from a list or a comma-separated string, trimmed and without repeats', () => {
    expect(withFlag('tenant', ['111111111111', ' 222222222222 ', '111111111111']).tenantIds).toEqual(['111111111111', '222222222222']);
    expect(withFlag('tenant', '111111111111,,222222222222').tenantIds).toEqual(['111111111111', '222222222222']);
    expect(withFlag('tenant', [111111111111]).tenantIds).toEqual(['111111111111']);
    expect(resolveCollectConfig({ flags: { tenant: [] }, env: REQUIRED_ENV }).tenantIds).toEqual([]);
    expect(flagProblem('tenant', ['111111111111', '12345'])).toBe('Invalid --tenant: "12345" is not a 12-digit AWS account ID.');
    expect(flagProblem('tenant', ['1111111111112'])).toBe('Invalid --tenant: "1111111111112" is not a 12-digit AWS account ID.');
  });

  it('takes tag keys trimmed, in order, and refuses empty or repeated keys', () => {
    expect(withFlag('tag-keys', ' Owner , CostCenter').tagKeys).toEqual(['Owner', 'CostCenter']);
    expect(withFlag('tag-keys', ['Owner', 'CostCenter']).tagKeys).toEqual(['Owner', 'CostCenter']);
    expect(resolveCollectConfig({ flags: {}, env: REQUIRED_ENV }).tagKeys).toBeUndefined();
    expect(flagProblem('tag-keys', 'Owner,,CostCenter')).toBe(
      'Invalid --tag-keys: tag keys must be a comma-separated list without empty entries, e.g. CostCenter,Owner.',
    );
    expect(flagProblem('tag-keys', 'Owner,Owner')).toBe('Invalid --tag-keys: tag keys must not repeat.');
  });

  it('checks names against what AWS accepts, and says what is expected', () => {
    expect(withFlag('table', ' my.table-1 ').tableName).toBe('my.table-1');
    expect(withFlag('table', 'arn:aws:dynamodb:eu-west-1:111111111111:table/tenants').tableName).toBe(
      'arn:aws:dynamodb:eu-west-1:111111111111:table/tenants',
    );
    expect(flagProblem('table', 'ab')).toBe(
      'Invalid --table: "ab" is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -) or table ARN.',
    );
    expect(withFlag('role-name', ' Reader ').roleName).toBe('Reader');
    expect(flagProblem('role-name', 'bad role')).toBe(
      'Invalid --role-name: "bad role" is not an IAM role name (1-64 of letters, digits and +=,.@_-).',
    );
    expect(withFlag('external-id', 'ext-id-1').externalId).toBe('ext-id-1');
    expect(flagProblem('external-id', 'x')).toBe(
      'Invalid --external-id: the value is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-).',
    );
    expect(withFlag('bucket', 'my.bucket-1').bucketName).toBe('my.bucket-1');
    for (const bad of [
      'My-Bucket',
      'ab',
      'xn--bucket',
      'sthree-x',
      'amzn-s3-demo-x',
      'a..b',
      'my..bucket',
      '192.168.1.1',
      '192.168.100.200',
      '-abc',
      'abc-',
      `a${'b'.repeat(63)}`,
    ]) {
      expect(flagProblem('bucket', bad)).toBe(
        `Invalid --bucket: "${bad}" is not a valid S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).`,
      );
    }
    expect(withFlag('bucket', `a${'b'.repeat(61)}c`).bucketName).toHaveLength(63);
    // Only a whole IP address is refused; a name that starts like one is a bucket name.
    expect(withFlag('bucket', '10.0.0.1-logs').bucketName).toBe('10.0.0.1-logs');
    expect(withFlag('expected-bucket-owner', ' 111111111111 ').expectedBucketOwner).toBe('111111111111');
    expect(flagProblem('expected-bucket-owner', '1111')).toBe('Invalid --expected-bucket-owner: "1111" is not a 12-digit AWS account ID.');
  });

  it('refuses empty values where a value is needed, naming the setting', () => {
    expect(flagProblem('kms-key-id', ' ')).toBe('Invalid --kms-key-id: the KMS key ID must not be empty.');
    expect(flagProblem('out-dir', ' ')).toBe('Invalid --out-dir: the output directory must not be empty.');
    expect(flagProblem('tenant-status', ' ')).toBe('Invalid --tenant-status: the tenant status must not be empty.');
    expect(flagProblem('tenant-service', ' ')).toBe('Invalid --tenant-service: the tenant service must not be empty.');
    expect(withFlag('kms-key-id', ' alias/reports ').kmsKeyId).toBe('alias/reports');
  });

  it('says which required setting is missing and how to set it, one line each', () => {
    expect(configError(() => resolveCollectConfig({ flags: {}, env: {} }))).toBe(
      [
        'Missing tenant table: set --table or TENANTS_TABLE_NAME to the DynamoDB table of tenants.',
        "Missing role name: set --role-name or CROSS_ACCOUNT_ROLE_NAME to the role to assume in each tenant's management account.",
        'Missing report bucket: set --bucket or REPORT_BUCKET_NAME, or pass --no-upload to write only local copies.',
      ].join('\n'),
    );
  });

  it('does not also call a setting missing when its value was refused', () => {
    expect(configError(() => resolveCollectConfig({ flags: { table: 'x', 'role-name': 'bad role', bucket: 'B' }, env: {} }))).toBe(
      [
        'Invalid --table: "x" is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -) or table ARN.',
        'Invalid --role-name: "bad role" is not an IAM role name (1-64 of letters, digits and +=,.@_-).',
        'Invalid --bucket: "B" is not a valid S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).',
      ].join('\n'),
    );
  });

  it('asks for no role or bucket when the command needs none, and none with --no-upload', () => {
    const config = resolveCollectConfig({ flags: {}, env: { TENANTS_TABLE_NAME: 'tenants' } }, { roleName: false, bucket: false });
    expect(config.roleName).toBe('');
    expect(config.bucketName).toBeUndefined();
    expect(
      configError(() => resolveCollectConfig({ flags: {}, env: { TENANTS_TABLE_NAME: 'tenants' } }, { roleName: true, bucket: false })),
    ).toBe("Missing role name: set --role-name or CROSS_ACCOUNT_ROLE_NAME to the role to assume in each tenant's management account.");
    expect(
      configError(() => resolveCollectConfig({ flags: {}, env: { TENANTS_TABLE_NAME: 'tenants' } }, { roleName: false, bucket: true })),
    ).toBe('Missing report bucket: set --bucket or REPORT_BUCKET_NAME, or pass --no-upload to write only local copies.');
    const local = resolveCollectConfig({ flags: { upload: false }, env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'R' } });
    expect(local.upload).toBe(false);
    expect(local.saveLocal).toBe(true);
    expect(resolveCollectConfig({ flags: {}, env: REQUIRED_ENV }).saveLocal).toBe(false);
  });
});
