import { ConfigError, resolveCollectConfig } from '../src';

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

describe('resolveCollectConfig', () => {
  it('takes a CLI flag over the environment variable over the default', () => {
    // Prepare
    const env = { ...REQUIRED_ENV, REPORT_PREFIX: 'from-env/' };
    // Act
    const fromFlag = resolveCollectConfig({ flags: { prefix: 'from-flag/' }, env });
    const fromEnv = resolveCollectConfig({ flags: {}, env });
    const fromDefault = resolveCollectConfig({ flags: {}, env: REQUIRED_ENV });
    // Assess
    expect(fromFlag.prefix).toBe('from-flag/');
    expect(fromEnv.prefix).toBe('from-env/');
    expect(fromDefault.prefix).toBe('org-accounts/');
  });

  it('applies the documented defaults', () => {
    const config = resolveCollectConfig({ flags: {}, env: REQUIRED_ENV });
    expect(config).toMatchObject({
      upload: true,
      saveLocal: false,
      localOutputDir: './reports',
      tenantStatus: 'active',
      tenantService: 'AWS Cloud Usage',
      escapeFormulas: true,
      includeOuPath: false,
      tenantIds: [],
    });
    expect(config.tagKeys).toBeUndefined();
    expect(config.externalId).toBeUndefined();
  });

  it('requires no per-tenant ExternalId unless REQUIRE_EXTERNAL_ID or --require-external-id says so', () => {
    expect(resolveCollectConfig({ flags: {}, env: REQUIRED_ENV }).requireExternalId).toBe(false);
    expect(resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, REQUIRE_EXTERNAL_ID: 'TRUE' } }).requireExternalId).toBe(true);
    expect(
      resolveCollectConfig({ flags: { 'require-external-id': false }, env: { ...REQUIRED_ENV, REQUIRE_EXTERNAL_ID: 'yes' } })
        .requireExternalId,
    ).toBe(false);
    expect(configError(() => resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, REQUIRE_EXTERNAL_ID: 'maybe' } }))).toContain(
      'Invalid REQUIRE_EXTERNAL_ID',
    );
  });

  it('names the flag and the variable of every missing required setting', () => {
    const message = configError(() => resolveCollectConfig({ flags: {}, env: {} }));
    expect(message.split('\n')).toEqual([
      'Missing tenant table: set --table or TENANTS_TABLE_NAME to the DynamoDB table of tenants.',
      "Missing role name: set --role-name or CROSS_ACCOUNT_ROLE_NAME to the role to assume in each tenant's management account.",
      'Missing report bucket: set --bucket or REPORT_BUCKET_NAME, or pass --no-upload to write only local copies.',
    ]);
  });

  it('reports a required setting given but invalid once, as invalid, whether from a flag or a variable', () => {
    const fromEnv = configError(() =>
      resolveCollectConfig({ flags: {}, env: { TENANTS_TABLE_NAME: 'bad name!', CROSS_ACCOUNT_ROLE_NAME: 'r', REPORT_BUCKET_NAME: 'b' } }),
    );
    expect(fromEnv.split('\n')).toEqual([
      'Invalid TENANTS_TABLE_NAME: "bad name!" is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -) or table ARN.',
      'Invalid REPORT_BUCKET_NAME: "b" is not a valid S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).',
    ]);
    const fromFlag = configError(() => resolveCollectConfig({ flags: { table: 'x', 'role-name': 'r', bucket: 'my-reports' }, env: {} }));
    expect(fromFlag).not.toContain('Missing');
  });

  it('does not need a bucket with --no-upload, and then saves locally', () => {
    const config = resolveCollectConfig({ flags: { upload: false }, env: { TENANTS_TABLE_NAME: 't-1', CROSS_ACCOUNT_ROLE_NAME: 'r' } });
    expect(config.upload).toBe(false);
    expect(config.saveLocal).toBe(true);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['False', false],
    ['0', false],
    ['no', false],
  ])('reads SAVE_LOCAL=%s as %s', (raw, expected) => {
    expect(resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, SAVE_LOCAL: raw } }).saveLocal).toBe(expected);
  });

  it.each([
    [{ SAVE_LOCAL: 'maybe' }, {}, 'Invalid SAVE_LOCAL: "maybe" is not a boolean'],
    [{}, { bucket: 'Not_A_Bucket' }, 'Invalid --bucket: "Not_A_Bucket" is not a valid S3 bucket name'],
    [{}, { 'tenant-concurrency': 'abc' }, 'Invalid --tenant-concurrency: "abc" is not a whole number from 1 to 256'],
    [{ REPORT_BUCKET_OWNER: '1234' }, {}, 'Invalid REPORT_BUCKET_OWNER: "1234" is not a 12-digit AWS account ID'],
    [{}, { tenant: ['12345'] }, 'Invalid --tenant: "12345" is not a 12-digit AWS account ID'],
    [{}, { 'tag-keys': 'A,,B' }, 'Invalid --tag-keys: tag keys must be a comma-separated list without empty entries'],
    [{}, { 'session-duration': '600' }, 'Invalid --session-duration: "600" is not a whole number from 900 to 3600'],
  ])('rejects a bad value and names where it came from (%j %j)', (env, flags, expected) => {
    expect(configError(() => resolveCollectConfig({ flags, env: { ...REQUIRED_ENV, ...env } }))).toContain(expected);
  });

  it('never echoes an invalid ExternalId, which is a secret', () => {
    const message = configError(() => resolveCollectConfig({ flags: { 'external-id': 'secret value with spaces' }, env: REQUIRED_ENV }));
    expect(message).toContain('Invalid --external-id');
    expect(message).not.toContain('secret value');
  });

  it('normalises the prefix to end with one slash and not start with one', () => {
    expect(resolveCollectConfig({ flags: { prefix: '/reports' }, env: REQUIRED_ENV }).prefix).toBe('reports/');
  });

  it('treats an empty variable as unset but an explicit empty --prefix as no prefix', () => {
    expect(resolveCollectConfig({ flags: {}, env: { ...REQUIRED_ENV, REPORT_PREFIX: '' } }).prefix).toBe('org-accounts/');
    expect(resolveCollectConfig({ flags: { prefix: '' }, env: REQUIRED_ENV }).prefix).toBe('');
  });

  it('parses tag keys and repeated --tenant values', () => {
    const config = resolveCollectConfig({
      flags: { 'tag-keys': ' Owner , CostCenter', tenant: ['111111111111', '222222222222', '111111111111'] },
      env: REQUIRED_ENV,
    });
    expect(config.tagKeys).toEqual(['Owner', 'CostCenter']);
    expect(config.tenantIds).toEqual(['111111111111', '222222222222']);
  });
});
