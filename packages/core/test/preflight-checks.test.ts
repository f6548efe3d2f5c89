import { resolveCollectConfig, runPreflight } from '../src';
import { trustablePrincipal, type PreflightDependencies } from '../src/preflight';
import {
  AwsError,
  FakeOrganizationAccess,
  MemoryLockStore,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
} from './fakes';

// What `orgmeta check` prints comes from these rows: each check's status, detail and fix are asserted as a user reads them.
const MANAGEMENT = '111111111111';
const COLLECTOR_SESSION = 'arn:aws:sts::999999999999:assumed-role/OrgMetaCollector/orgmeta-session';

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig(
    { flags, env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' } },
    { roleName: true, bucket: false },
  );
}

function deps(overrides: Partial<PreflightDependencies> = {}): PreflightDependencies {
  return {
    tenantSource: new StaticTenantSource([activeTenant(MANAGEMENT, { external_id: 'ext-1' })]),
    organizations: new FakeOrganizationAccess({
      [MANAGEMENT]: {
        organization: organization(MANAGEMENT),
        accountPages: [[account(MANAGEMENT)]],
        tags: { [MANAGEMENT]: [{ key: 'team', value: 'a' }] },
      },
    }),
    logger: new RecordingLogger(),
    region: 'us-east-1',
    surface: 'cli',
    identity: { principalArn: async () => COLLECTOR_SESSION, accountId: async () => '999999999999' },
    ...overrides,
  };
}

const written: string[] = [];
const removingProbe = { probeWrite: async (key: string) => (written.push(key), { removed: true }) };

describe('orgmeta check, every row of a run where everything works', () => {
  it('passes the table, the ExternalIds, the bucket, the run lock and each read of the tenant, saying what it saw', async () => {
    const report = await runPreflight(config({ prefix: 'inv/' }), deps({ writeProbe: removingProbe, runLockStore: new MemoryLockStore() }));

    expect(report.collectorPrincipal).toBe('arn:aws:iam::999999999999:role/OrgMetaCollector');
    expect(report.results).toEqual([
      { scope: 'run', check: 'tenant table readable', status: 'PASS', detail: 'tenants: 1 tenant(s) selected, 0 invalid row(s)' },
      { scope: 'run', check: 'ExternalId set', status: 'PASS', detail: 'all 1 tenant(s) have an ExternalId' },
      { scope: 'run', check: 'ExternalId unique', status: 'PASS', detail: 'no two tenants share an ExternalId' },
      {
        scope: 'run',
        check: 'bucket writable',
        status: 'PASS',
        detail: `wrote and removed s3://reports/${written[written.length - 1]}`,
      },
      expect.objectContaining({ scope: 'run', status: 'PASS' }),
      {
        scope: MANAGEMENT,
        check: 'assume role',
        status: 'PASS',
        detail: `arn:aws:iam::${MANAGEMENT}:role/OrgMetaReader (with ExternalId)`,
      },
      { scope: MANAGEMENT, check: 'DescribeOrganization', status: 'PASS', detail: 'o-111111, managed by the tenant account' },
      { scope: MANAGEMENT, check: 'ListAccounts', status: 'PASS', detail: 'first page: 1 account(s)' },
      { scope: MANAGEMENT, check: 'ListTagsForResource', status: 'PASS', detail: `${MANAGEMENT}: 1 tag(s)` },
    ]);
    // The probe object sits under the prefix, named after the check's run.
    expect(written[written.length - 1]).toMatch(/^inv\/_orgmeta-check\/\d{8}T\d{6}Z-[0-9a-f]+\.txt$/);
    expect(report.passed).toBe(true);
  });

  it('says a role without an ExternalId was assumed without one', async () => {
    const report = await runPreflight(config(), deps({ tenantSource: new StaticTenantSource([activeTenant(MANAGEMENT)]) }));

    expect(report.results.find((r) => r.check === 'assume role')?.detail).toBe(`arn:aws:iam::${MANAGEMENT}:role/OrgMetaReader`);
  });

  it('probes the bucket and the lock only when it has them', async () => {
    const report = await runPreflight(config(), deps());

    expect(report.results.map((r) => r.check)).not.toContain('bucket writable');
    expect(report.results.filter((r) => r.scope === 'run')).toHaveLength(3);
  });
});

describe('orgmeta check, what goes wrong and how to fix it', () => {
  it('warns when the probe object could not be removed, with the permission that would let check clean up', async () => {
    const probe = { probeWrite: async () => ({ removed: false, removeError: 'AccessDenied: not allowed' }) };

    const report = await runPreflight(config(), deps({ writeProbe: probe }));

    const bucket = report.results.find((r) => r.check === 'bucket writable');
    expect(bucket).toEqual({
      scope: 'run',
      check: 'bucket writable',
      status: 'WARN',
      detail: expect.stringMatching(/^wrote s3:\/\/reports\/\S+ but could not remove it \(AccessDenied: not allowed\)$/),
      hint: expect.stringContaining('allow s3:DeleteObject on arn:aws:s3:::reports'),
    });
    expect(report.passed).toBe(true);
  });

  it('fails the bucket check with the S3 error, its code and hint', async () => {
    const probe = { probeWrite: () => Promise.reject(new AwsError('NoSuchBucket', 'The specified bucket does not exist')) };

    const report = await runPreflight(config(), deps({ writeProbe: probe }));

    expect(report.results.find((r) => r.check === 'bucket writable')).toEqual({
      scope: 'run',
      check: 'bucket writable',
      status: 'FAIL',
      detail: 'S3Upload failed: The specified bucket does not exist',
      code: 'NoSuchBucket',
      hint: expect.stringContaining('reports'),
    });
    expect(report.passed).toBe(false);
  });

  it('fails each --tenant the table does not hold, with its reason', async () => {
    const report = await runPreflight(config({ tenant: [MANAGEMENT, '222222222222'] }), deps());

    const missing = report.results.filter((r) => r.check === 'tenant selected');
    expect(missing).toEqual([
      {
        scope: '222222222222',
        check: 'tenant selected',
        status: 'FAIL',
        detail: expect.stringContaining('222222222222'),
        code: expect.any(String),
        hint: expect.any(String),
      },
    ]);
    expect(report.results.find((r) => r.check === 'tenant table readable')?.detail).toBe('tenants: 1 tenant(s) selected, 0 invalid row(s)');
    expect(report.passed).toBe(false);
  });

  it('gives the trust policy statement the tenant role needs when AssumeRole is refused, with the ExternalId condition', async () => {
    const refusing = new FakeOrganizationAccess({
      [MANAGEMENT]: {
        organization: organization(MANAGEMENT),
        accountPages: [[]],
        failAt: { step: 'connect', error: new AwsError('AccessDenied', 'not authorized to perform sts:AssumeRole') },
      },
    });

    const report = await runPreflight(config(), deps({ organizations: refusing }));

    const rows = report.results.filter((r) => r.scope === MANAGEMENT);
    expect(rows[0]).toMatchObject({ check: 'assume role', status: 'FAIL', code: 'AccessDenied' });
    expect(rows[0].hint).toContain(
      `Trust policy statement for arn:aws:iam::${MANAGEMENT}:role/OrgMetaReader: {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/OrgMetaCollector"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"<the tenant's ExternalId>"}}}`,
    );
    expect(rows.slice(1)).toEqual(
      ['DescribeOrganization', 'ListAccounts', 'ListTagsForResource'].map((check) => ({
        scope: MANAGEMENT,
        check,
        status: 'SKIP',
        detail: 'an earlier check failed',
      })),
    );
  });

  it('leaves the condition out of the statement for a tenant without an ExternalId, and gives none without a known collector', async () => {
    const refusing = () =>
      new FakeOrganizationAccess({
        [MANAGEMENT]: {
          organization: organization(MANAGEMENT),
          accountPages: [[]],
          failAt: { step: 'connect', error: new AwsError('AccessDenied', 'no') },
        },
      });
    const noExternalId = new StaticTenantSource([activeTenant(MANAGEMENT)]);

    const withCollector = await runPreflight(config(), deps({ organizations: refusing(), tenantSource: noExternalId }));
    const withoutCollector = await runPreflight(
      config(),
      deps({ organizations: refusing(), tenantSource: noExternalId, identity: undefined }),
    );

    expect(withCollector.results.find((r) => r.check === 'assume role')?.hint).toContain(
      '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/OrgMetaCollector"},"Action":"sts:AssumeRole"}',
    );
    expect(withoutCollector.collectorPrincipal).toBeUndefined();
    expect(withoutCollector.results.find((r) => r.check === 'assume role')?.hint).not.toContain('Trust policy statement');
  });

  it('warns when the tenant is not the management account of its organization', async () => {
    const member = new FakeOrganizationAccess({
      [MANAGEMENT]: { organization: organization('333333333333'), accountPages: [[account('333333333333'), account(MANAGEMENT)]] },
    });

    const report = await runPreflight(config(), deps({ organizations: member }));

    expect(report.results.find((r) => r.check === 'DescribeOrganization')).toEqual({
      scope: MANAGEMENT,
      check: 'DescribeOrganization',
      status: 'WARN',
      detail: `o-333333 is managed by 333333333333, not ${MANAGEMENT}`,
      hint: 'Set tenant_id to the management account ID, or deploy the reader role there.',
    });
    // The tag read is tried on the first listed account.
    expect(report.results.find((r) => r.check === 'ListTagsForResource')?.detail).toBe('333333333333: 0 tag(s)');
  });

  it('cuts long lists of tenants without an ExternalId after ten, saying how many more', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => String(100000000000 + i));
    const organizations = new FakeOrganizationAccess(
      Object.fromEntries(ids.map((id) => [id, { organization: organization(id), accountPages: [[]] }])),
    );

    const report = await runPreflight(
      config(),
      deps({ tenantSource: new StaticTenantSource(ids.map((id) => activeTenant(id))), organizations }),
    );

    expect(report.results.find((r) => r.check === 'ExternalId set')?.detail).toBe(
      `12 of 12 tenant(s) have no ExternalId: ${ids.slice(0, 10).join(', ')} and 2 more`,
    );
  });
});

describe('trustablePrincipal', () => {
  it('turns an assumed-role session into the role ARN a trust policy names, in any partition', () => {
    expect(trustablePrincipal(COLLECTOR_SESSION)).toBe('arn:aws:iam::999999999999:role/OrgMetaCollector');
    expect(trustablePrincipal('arn:aws-cn:sts::999999999999:assumed-role/Reader/s')).toBe('arn:aws-cn:iam::999999999999:role/Reader');
  });

  it('keeps any other principal as it is', () => {
    expect(trustablePrincipal('arn:aws:iam::999999999999:user/ops')).toBe('arn:aws:iam::999999999999:user/ops');
    expect(trustablePrincipal('arn:aws:sts::999999999999:assumed-role/NoSession')).toBe('arn:aws:sts::999999999999:assumed-role/NoSession');
    expect(trustablePrincipal('xarn:aws:sts::999999999999:assumed-role/R/s')).toBe('xarn:aws:sts::999999999999:assumed-role/R/s');
    expect(trustablePrincipal('arn:aws:sts::99999999999:assumed-role/R/s')).toBe('arn:aws:sts::99999999999:assumed-role/R/s');
  });
});
