import { resolveCollectConfig, runPreflight, type PreflightDependencies } from '../src';
import { AwsError, FakeOrganizationAccess, RecordingLogger, StaticTenantSource, activeTenant, organization } from './fakes';

function config(flags: Record<string, unknown> = {}) {
  return resolveCollectConfig(
    { flags, env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader' } },
    { roleName: true, bucket: false },
  );
}

function deps(overrides: Partial<PreflightDependencies> = {}): PreflightDependencies {
  return {
    tenantSource: new StaticTenantSource([activeTenant('111111111111')]),
    organizations: new FakeOrganizationAccess({ '111111111111': { organization: organization('111111111111'), accountPages: [[]] } }),
    logger: new RecordingLogger(),
    region: 'us-east-1',
    surface: 'cli',
    ...overrides,
  };
}

describe('runPreflight', () => {
  it('fails the tenant table check with the code and hint the error carries, not parsed from its message', async () => {
    // Prepare
    const missing = { scanTenants: () => Promise.reject(new AwsError('ResourceNotFoundException', 'Requested resource: not found: x')) };
    // Act
    const report = await runPreflight(config(), deps({ tenantSource: missing, surface: 'lambda' }));
    // Assess
    expect(report.results).toEqual([
      {
        scope: 'run',
        check: 'tenant table readable',
        status: 'FAIL',
        detail: 'Could not read tenant table tenants: ResourceNotFoundException: Requested resource: not found: x',
        code: 'ResourceNotFoundException',
        hint: 'Table tenants was not found in us-east-1; check TENANTS_TABLE_NAME and AWS_REGION.',
      },
    ]);
    expect(report.passed).toBe(false);
  });

  it('warns when tenants have no ExternalId or share one, naming the tenants and never the values', async () => {
    // Prepare: two tenants share one per-tenant value, two fall back to the run-wide one, one has its own.
    const records = [
      activeTenant('111111111111', { external_id: 'same-ext' }),
      activeTenant('222222222222', { external_id: 'same-ext' }),
      activeTenant('333333333333'),
      activeTenant('444444444444'),
      activeTenant('555555555555', { external_id: 'own-ext' }),
    ];
    const organizations = () =>
      new FakeOrganizationAccess(
        Object.fromEntries(
          ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'].map((id) => [
            id,
            { organization: organization(id), accountPages: [[]] },
          ]),
        ),
      );
    const world = () => deps({ tenantSource: new StaticTenantSource(records), organizations: organizations() });
    // Act
    const withRunWide = await runPreflight(config({ 'external-id': 'run-wide-ext' }), world());
    const withoutRunWide = await runPreflight(config(), world());
    // Assess
    const externalIdResults = (report: { results: readonly { check: string }[] }) =>
      report.results.filter((r) => r.check.startsWith('ExternalId'));
    expect(externalIdResults(withRunWide)).toEqual([
      { scope: 'run', check: 'ExternalId set', status: 'PASS', detail: 'all 5 tenant(s) have an ExternalId' },
      {
        scope: 'run',
        check: 'ExternalId unique',
        status: 'WARN',
        detail: '111111111111, 222222222222 share one ExternalId; 333333333333, 444444444444 share the run-wide ExternalId',
        hint: expect.stringContaining('confused deputy'),
      },
    ]);
    expect(externalIdResults(withoutRunWide)).toEqual([
      {
        scope: 'run',
        check: 'ExternalId set',
        status: 'WARN',
        detail: '2 of 5 tenant(s) have no ExternalId: 333333333333, 444444444444',
        hint: expect.stringContaining('Then turn on --require-external-id / REQUIRE_EXTERNAL_ID.'),
      },
      expect.objectContaining({ check: 'ExternalId unique', status: 'WARN' }),
    ]);
    expect(JSON.stringify([withRunWide, withoutRunWide])).not.toMatch(/same-ext|own-ext|run-wide-ext/);
    // Warnings, not failures: the collection itself would run.
    expect(withRunWide.passed).toBe(true);
  });

  it('fails a tenant without its own ExternalId when one is required, without assuming its role', async () => {
    const organizations = new FakeOrganizationAccess({
      '111111111111': { organization: organization('111111111111'), accountPages: [[]] },
    });
    const report = await runPreflight(config({ 'require-external-id': true }), deps({ organizations }));
    expect(report.results.filter((r) => r.scope === '111111111111')).toEqual([
      expect.objectContaining({
        check: 'assume role',
        status: 'FAIL',
        code: 'ExternalIdMissing',
        hint: expect.stringContaining('external_id'),
      }),
      expect.objectContaining({ check: 'DescribeOrganization', status: 'SKIP' }),
      expect.objectContaining({ check: 'ListAccounts', status: 'SKIP' }),
      expect.objectContaining({ check: 'ListTagsForResource', status: 'SKIP' }),
    ]);
    expect(organizations.connections).toEqual([]);
    expect(report.passed).toBe(false);
  });

  it('passes a tenant whose role and reads work', async () => {
    const report = await runPreflight(config(), deps());
    expect(report.results.filter((r) => r.scope === '111111111111').map((r) => [r.check, r.status])).toEqual([
      ['assume role', 'PASS'],
      ['DescribeOrganization', 'PASS'],
      ['ListAccounts', 'PASS'],
      ['ListTagsForResource', 'PASS'],
    ]);
  });
});
