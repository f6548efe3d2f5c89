import {
  callerAccount,
  createBucket,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type FaultProxy,
  type FaultRule,
  type ProxiedCall,
} from '@orgmeta/test-support';
import { listKeys, motoEndpoint, orgmeta } from './support/e2e';

const TABLE = 'owner-e2e-tenants';
const BUCKET = 'owner-e2e-reports';
const TENANT = '110000000001';
const OTHER_ACCOUNT = '111122223333';

const OWNER_HEADER = 'x-amz-expected-bucket-owner';

describe('ExpectedBucketOwner: the collector’s own account unless told otherwise (end to end)', () => {
  let collectorAccount: string;
  let proxy: FaultProxy;

  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), { managementAccountId: TENANT, accounts: [{ name: 'm', email: 'm@example.com' }] });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT)]);
    await createBucket(motoEndpoint(), BUCKET);
    collectorAccount = await callerAccount(motoEndpoint());
    // moto ignores ExpectedBucketOwner: the proxy records what the SDK sent and checks it as S3 does.
    proxy = await startFaultProxy({ target: motoEndpoint(), record: true, bucketOwners: { [BUCKET]: collectorAccount } });
  });
  afterAll(() => proxy.stop());
  beforeEach(() => {
    proxy.resetStats();
    proxy.setRules([]);
  });

  const s3Calls = (): ProxiedCall[] => proxy.calls().filter((c) => c.service === 's3');
  const run = (command: string, prefix: string, extra: string[] = [], env: Record<string, string> = {}) =>
    orgmeta([command, '--table', TABLE, '--role-name', 'R', '--bucket', BUCKET, '--prefix', prefix, '--json', ...extra], {
      endpoint: proxy.endpoint,
      env,
    });

  it("sends the collector's own account (from GetCallerIdentity) by default", async () => {
    // Act
    const result = await run('collect', 'owner-default');
    // Assess
    expect(result.code).toBe(0);
    expect(collectorAccount).toMatch(/^\d{12}$/);
    expect(proxy.calls().filter((c) => c.operation === 'GetCallerIdentity')).toHaveLength(1);
    const puts = s3Calls().filter((c) => c.operation === 'PutObject');
    // The run lock, accounts.csv, accounts.parquet, its SQL table manifest, the snapshot pointer, the manifest and the HTML run report.
    expect(puts).toHaveLength(7);
    for (const put of puts) expect(put.headers[OWNER_HEADER]).toBe(collectorAccount);
  });

  it.each([
    ['--any-bucket-owner', ['--any-bucket-owner'], {}],
    ['REPORT_ANY_BUCKET_OWNER=true', [], { REPORT_ANY_BUCKET_OWNER: 'true' }],
  ])('sends none with %s', async (_, extra, env) => {
    // A prefix per case: a second run under the same prefix would also write changes.csv and changes.parquet.
    const result = await run('collect', `owner-any-${extra.length}`, extra, env);
    expect(result.code).toBe(0);
    const puts = s3Calls().filter((c) => c.operation === 'PutObject');
    expect(puts).toHaveLength(7);
    for (const put of puts) expect(put.headers).not.toHaveProperty(OWNER_HEADER);
    expect(proxy.calls().filter((c) => c.operation === 'GetCallerIdentity')).toHaveLength(0);
  });

  it('sends an explicit --expected-bucket-owner, and a bucket of another owner refuses the run lock: exit 1, a hint naming both flags, nothing written', async () => {
    // Act
    const result = await run('collect', 'owner-mismatch', ['--expected-bucket-owner', OTHER_ACCOUNT]);
    // Assess
    expect(result.code).toBe(1);
    const puts = s3Calls().filter((c) => c.operation === 'PutObject');
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) expect(put.headers[OWNER_HEADER]).toBe(OTHER_ACCOUNT);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Could not take the run lock s3://${BUCKET}/owner-mismatch/_lock/run.json: S3Upload failed`);
    expect(result.stderr).toContain('--expected-bucket-owner');
    expect(result.stderr).toContain('--any-bucket-owner');
    expect((await listKeys(BUCKET)).filter((k) => k.startsWith('owner-mismatch/'))).toEqual([]);
  });

  it("probes the bucket in check with the collector's account, and fails it with the same hint for another owner", async () => {
    const passing = await run('check', 'owner-check', ['--tenant', TENANT]);
    expect(passing.code).toBe(0);
    const probe = s3Calls().filter((c) => c.operation === 'PutObject' || c.operation === 'DeleteObject');
    expect(probe.map((c) => [c.operation, c.headers[OWNER_HEADER]])).toEqual([
      ['PutObject', collectorAccount],
      ['DeleteObject', collectorAccount],
    ]);

    const failing = await run('check', 'owner-check', ['--tenant', TENANT, '--expected-bucket-owner', OTHER_ACCOUNT]);
    expect(failing.code).toBe(2);
    const bucketCheck = JSON.parse(failing.stdout).results.find((r: { check: string }) => r.check === 'bucket writable');
    expect(bucketCheck).toMatchObject({ status: 'FAIL', code: 'AccessDenied' });
    expect(bucketCheck.hint).toContain('--expected-bucket-owner');
    expect(bucketCheck.hint).toContain('--any-bucket-owner');
  });

  it('refuses --expected-bucket-owner with --any-bucket-owner, before any AWS call', async () => {
    const result = await run('collect', 'owner-both', ['--expected-bucket-owner', OTHER_ACCOUNT, '--any-bucket-owner']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Conflicting settings: --expected-bucket-owner');
    expect(proxy.calls()).toEqual([]);
  });

  it("exits 1 before reading or writing anything when the collector's account cannot be known", async () => {
    const denied: FaultRule = {
      when: (c) => c.operation === 'GetCallerIdentity',
      respond: {
        kind: 'error',
        status: 403,
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      },
    };
    proxy.setRules([denied]);
    const result = await run('collect', 'owner-unknown');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sts:GetCallerIdentity failed: InvalidClientTokenId');
    expect(result.stderr).toContain('--any-bucket-owner');
    expect(proxy.calls().map((c) => c.operation)).toEqual(['GetCallerIdentity']);
  });
});
