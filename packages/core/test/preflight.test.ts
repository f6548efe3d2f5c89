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
