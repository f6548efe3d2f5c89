import { ConfigError, resolveCollectConfig } from '../src';

/** The settings of Part 2's outputs (formats, changes, events, tag coverage, HTML report, lock) and every default of a run. */

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

function withFlag(flag: string, value: unknown) {
  return resolveCollectConfig({ flags: { [flag]: value }, env: REQUIRED_ENV });
}

function flagProblem(flag: string, value: unknown): string {
  return configError(() => withFlag(flag, value));
}

function fromEnv(env: Record<string, string>) {
  return resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, ...env } });
}

describe('resolveCollectConfig defaults', () => {
  it('gives every documented default when only the required settings are set', () => {
    // Act
    const config = resolveCollectConfig({ flags: {}, env: REQUIRED_ENV });
    // Assess: the whole object, so a changed or dropped default shows.
    expect(config).toEqual({
      tableName: 'tenants',
      roleName: 'OrgMetaReader',
      requireExternalId: false,
      upload: true,
      bucketName: 'my-reports',
      prefix: 'org-accounts/',
      anyBucketOwner: false,
      saveLocal: false,
      localOutputDir: './reports',
      tenantStatus: 'active',
      tenantService: 'AWS Cloud Usage',
      tenantIds: [],
      includeOuPath: false,
      includeDelegatedAdmins: false,
      includeContacts: false,
      includeRegions: false,
      escapeFormulas: true,
      tenantConcurrency: 8,
      accountConcurrency: 4,
      orgRps: 20,
      maxAttempts: 8,
      sessionDurationSeconds: 3600,
      lockTtlSeconds: 3600,
      force: false,
      outputFormats: ['csv', 'parquet'],
      detectChanges: true,
      requiredTags: [],
      htmlReport: true,
    });
  });

  it('reads each variable of a setting that has one', () => {
    const config = fromEnv({
      REPORT_ANY_BUCKET_OWNER: 'yes',
      INCLUDE_DELEGATED_ADMINS: '1',
      INCLUDE_CONTACTS: 'true',
      INCLUDE_REGIONS: 'yes',
      ESCAPE_FORMULAS: 'no',
      TENANT_CONCURRENCY: '3',
      ACCOUNT_CONCURRENCY: '5',
      ORG_RPS: '7',
      ROLE_SESSION_DURATION: '900',
      RUN_LOCK_TTL_SECONDS: '120',
      DETECT_CHANGES: 'false',
      HTML_REPORT: '0',
      REPORT_KMS_KEY_ID: 'alias/reports',
      LOCAL_OUTPUT_DIR: '/tmp/out',
      TENANT_STATUS: 'enabled',
      TENANT_SERVICE: 'Other',
      TAG_KEYS: 'Owner',
      CROSS_ACCOUNT_EXTERNAL_ID: 'ext-1',
    });
    expect(config).toMatchObject({
      anyBucketOwner: true,
      includeDelegatedAdmins: true,
      includeContacts: true,
      includeRegions: true,
      escapeFormulas: false,
      tenantConcurrency: 3,
      accountConcurrency: 5,
      orgRps: 7,
      sessionDurationSeconds: 900,
      lockTtlSeconds: 120,
      detectChanges: false,
      htmlReport: false,
      kmsKeyId: 'alias/reports',
      localOutputDir: '/tmp/out',
      tenantStatus: 'enabled',
      tenantService: 'Other',
      tagKeys: ['Owner'],
      externalId: 'ext-1',
    });
  });

  it('has no variable for --upload, --tenant and --force: a variable would leave every later run forcing past live runs', () => {
    const config = fromEnv({ UPLOAD: 'false', TENANT: '111111111111', FORCE: 'true' });
    expect(config.upload).toBe(true);
    expect(config.tenantIds).toEqual([]);
    expect(config.force).toBe(false);
    expect(withFlag('force', true).force).toBe(true);
  });

  it('needs no tenant table for a command that reads only the output store', () => {
    const config = resolveCollectConfig(
      { flags: {}, env: { REPORT_BUCKET_NAME: 'my-reports' } },
      { roleName: false, bucket: true, table: false },
    );
    expect(config.tableName).toBeUndefined();
    expect(config.bucketName).toBe('my-reports');
  });
});

describe('--formats / OUTPUT_FORMATS', () => {
  it('writes csv first whatever the order given, case and spaces aside', () => {
    expect(withFlag('formats', 'csv').outputFormats).toEqual(['csv']);
    expect(withFlag('formats', ' PARQUET , csv ').outputFormats).toEqual(['csv', 'parquet']);
    expect(withFlag('formats', ['parquet', 'csv']).outputFormats).toEqual(['csv', 'parquet']);
    expect(withFlag('formats', 'csv,,csv').outputFormats).toEqual(['csv']);
    expect(fromEnv({ OUTPUT_FORMATS: 'csv' }).outputFormats).toEqual(['csv']);
  });

  it('refuses an unknown format and a list without csv, saying what to use', () => {
    expect(flagProblem('formats', 'csv,orc')).toBe('Invalid --formats: "orc" is not a format; use csv or csv,parquet.');
    expect(flagProblem('formats', 'parquet')).toBe(
      'Invalid --formats: the formats must include csv (accounts.csv is always written); use csv or csv,parquet.',
    );
    expect(configError(() => fromEnv({ OUTPUT_FORMATS: 'json' }))).toBe(
      'Invalid OUTPUT_FORMATS: "json" is not a format; use csv or csv,parquet.',
    );
  });
});

describe('--events-bus / CHANGE_EVENTS_BUS', () => {
  it('takes a bus name or a bus ARN in any partition', () => {
    expect(withFlag('events-bus', ' orgmeta-changes ').changeEventsBus).toBe('orgmeta-changes');
    expect(withFlag('events-bus', 'a'.repeat(256)).changeEventsBus).toHaveLength(256);
    for (const arn of [
      'arn:aws:events:eu-west-1:111111111111:event-bus/orgmeta',
      'arn:aws-cn:events:cn-north-1:111111111111:event-bus/orgmeta',
      'arn:aws-us-gov:events:us-gov-west-1:111111111111:event-bus/team.bus-1',
    ]) {
      expect(fromEnv({ CHANGE_EVENTS_BUS: arn }).changeEventsBus).toBe(arn);
    }
  });

  it('refuses anything else and says what is expected', () => {
    for (const bad of [
      'bad bus!',
      'a'.repeat(257),
      'arn:aws:events:eu-west-1:1111:event-bus/orgmeta',
      'arn:aws:sqs:eu-west-1:111111111111:event-bus/orgmeta',
      'x arn:aws:events:eu-west-1:111111111111:event-bus/orgmeta',
    ]) {
      expect(flagProblem('events-bus', bad)).toBe(`Invalid --events-bus: "${bad}" is not an EventBridge bus name or ARN.`);
    }
  });
});

describe('--required-tags / REQUIRED_TAGS', () => {
  it('measures no tags unless asked, and then the keys given, trimmed, in order', () => {
    expect(withFlag('required-tags', '   ').requiredTags).toEqual([]);
    expect(fromEnv({ REQUIRED_TAGS: ' Owner, CostCenter ' }).requiredTags).toEqual(['Owner', 'CostCenter']);
  });

  it('refuses empty and repeated keys', () => {
    expect(flagProblem('required-tags', 'Owner,,CostCenter')).toBe(
      'Invalid --required-tags: tag keys must be a comma-separated list without empty entries, e.g. CostCenter,Owner.',
    );
    expect(flagProblem('required-tags', 'Owner,Owner')).toBe('Invalid --required-tags: tag keys must not repeat.');
  });
});

describe('names AWS checks', () => {
  it('takes a table name of 3 to 255 characters, or a table ARN in any partition', () => {
    expect(withFlag('table', 'abc').tableName).toBe('abc');
    expect(withFlag('table', 'a'.repeat(255)).tableName).toHaveLength(255);
    expect(withFlag('table', 'arn:aws-cn:dynamodb:cn-north-1:111111111111:table/tenants').tableName).toBe(
      'arn:aws-cn:dynamodb:cn-north-1:111111111111:table/tenants',
    );
    for (const bad of [
      'a'.repeat(256),
      'my tenants',
      'arn:aws:dynamodb:eu-west-1:1111:table/tenants',
      'arn:aws:dynamodb:eu-west-1:111111111111:table/ab',
      'arn:aws:s3:eu-west-1:111111111111:table/tenants',
    ]) {
      expect(flagProblem('table', bad)).toBe(
        `Invalid --table: "${bad}" is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -) or table ARN.`,
      );
    }
  });

  it('drops only leading slashes from the prefix, keeping the ones inside it', () => {
    expect(withFlag('prefix', 'team/reports').prefix).toBe('team/reports/');
    expect(fromEnv({ REPORT_PREFIX: '/team//reports/' }).prefix).toBe('team//reports/');
  });
});
