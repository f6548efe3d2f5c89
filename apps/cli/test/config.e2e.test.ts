import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBucket, seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'config-e2e-tenants';
const BUCKET = 'config-e2e-reports';
const TENANT = '102000000001';
const REQUIRED = ['--table', TABLE, '--role-name', 'OrgMetaReader', '--bucket', BUCKET];

describe('orgmeta configuration (end to end)', () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), { managementAccountId: TENANT, accounts: [] });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT)]);
    await createBucket(motoEndpoint(), BUCKET);
    // Every AWS call of the CLI goes through this proxy, so it can tell whether one was made.
    proxy = await startFaultProxy({ target: motoEndpoint() });
  });

  afterAll(() => proxy.stop());
  beforeEach(() => proxy.resetStats());

  const callsMade = () => Object.values(proxy.stats().calls).reduce((a, b) => a + b, 0);

  it.each([
    [
      ['collect'],
      ['--table or TENANTS_TABLE_NAME', '--role-name or CROSS_ACCOUNT_ROLE_NAME', '--bucket or REPORT_BUCKET_NAME, or pass --no-upload'],
    ],
    [['collect', ...REQUIRED, '--bucket', 'Bad_Bucket'], ['Invalid --bucket: "Bad_Bucket" is not a valid S3 bucket name']],
    [['collect', ...REQUIRED, '--tenant-concurrency', 'many'], ['Invalid --tenant-concurrency: "many" is not a whole number']],
    [['collect', ...REQUIRED, '--bogus-flag'], ['Unknown argument: bogus-flag']],
    [['collect', ...REQUIRED, '--tenant', '42'], ['Invalid --tenant: "42" is not a 12-digit AWS account ID']],
  ])('exits 1 before any AWS call for %j', async (args, expected) => {
    const run = await orgmeta(args, { endpoint: proxy.endpoint });
    expect(run.code).toBe(1);
    for (const text of expected) expect(run.stderr).toContain(text);
    expect(run.stdout).toBe('');
    expect(callsMade()).toBe(0);
  });

  it('names the environment variable when the bad value came from it', async () => {
    const run = await orgmeta(['collect', ...REQUIRED], { endpoint: proxy.endpoint, env: { SAVE_LOCAL: 'sometimes' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid SAVE_LOCAL: "sometimes" is not a boolean; use true/1/yes or false/0/no.');
    expect(callsMade()).toBe(0);
  });

  it('says a required variable is invalid once, not also that it is missing', async () => {
    const run = await orgmeta(['collect', '--role-name', 'R', '--bucket', BUCKET], {
      endpoint: proxy.endpoint,
      env: { TENANTS_TABLE_NAME: 'bad name!' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid TENANTS_TABLE_NAME: "bad name!" is not a DynamoDB table name');
    expect(run.stderr).not.toContain('Missing tenant table');
    expect(callsMade()).toBe(0);
  });

  it('exits 1 and writes nothing when the tenant table cannot be read', async () => {
    const dir = workDir();
    const run = await orgmeta(
      ['collect', '--table', 'no-such-table', '--role-name', 'R', '--bucket', BUCKET, '--prefix', 'no-table', '--save-local'],
      { cwd: dir },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Could not read tenant table no-such-table: ResourceNotFoundException');
    expect(run.stderr).toContain('check --table / TENANTS_TABLE_NAME and AWS_REGION');
    expect((await listKeys(BUCKET)).filter((k) => k.startsWith('no-table/'))).toEqual([]);
  });

  it('reads .env from the working directory, below environment variables and flags', async () => {
    // Prepare: .env holds everything, with its own prefix.
    const dir = workDir();
    writeFileSync(
      join(dir, '.env'),
      [
        `TENANTS_TABLE_NAME=${TABLE}`,
        'CROSS_ACCOUNT_ROLE_NAME=OrgMetaReader',
        `REPORT_BUCKET_NAME=${BUCKET}`,
        'REPORT_PREFIX=from-dotenv/',
        '',
      ].join('\n'),
    );
    // Act
    const fromDotenv = await orgmeta(['collect'], { cwd: dir });
    const fromEnv = await orgmeta(['collect'], { cwd: dir, env: { REPORT_PREFIX: 'from-env/' } });
    const fromFlag = await orgmeta(['collect', '--prefix', 'from-flag/'], { cwd: dir, env: { REPORT_PREFIX: 'from-env/' } });
    // Assess
    expect([fromDotenv.code, fromEnv.code, fromFlag.code]).toEqual([0, 0, 0]);
    const prefixes = new Set((await listKeys(BUCKET)).map((k) => k.split('/')[0]));
    expect(prefixes).toEqual(expect.objectContaining({}));
    expect([...prefixes].filter((p) => p.startsWith('from-')).sort()).toEqual(['from-dotenv', 'from-env', 'from-flag']);
  });

  it('prints help with examples and the environment variable of every flag', async () => {
    const run = await orgmeta(['collect', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--table');
    expect(run.stdout).toContain('env TENANTS_TABLE_NAME');
    expect(run.stdout).toContain('Examples:');
  });
});
