import { resolveCollectConfig, runPreflight } from '../src';
import { type PreflightDependencies } from '../src/preflight';
import { AwsError, FakeOrganizationAccess, RecordingLogger, StaticTenantSource, account, activeTenant, organization } from './fakes';

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

describe('runPreflight with account detail flags', () => {
  const MANAGEMENT = '111111111111';
  const MEMBER = '222222222222';
  const detailed = (failAt?: { step: 'contacts' | 'regions' | 'delegated'; error: Error }) =>
    new FakeOrganizationAccess({
      [MANAGEMENT]: {
        organization: organization(MANAGEMENT),
        accountPages: [[account(MANAGEMENT), { ...account(MEMBER), paths: [`o-x/r-ab12/ou-ab12-11111111/${MEMBER}/`] }]],
        names: { 'r-ab12': 'Root', 'ou-ab12-11111111': 'Prod' },
        delegated: { [MEMBER]: ['guardduty.amazonaws.com'] },
        regions: { [MEMBER]: ['us-east-1', 'eu-west-1'] },
        ...(failAt ? { failAt } : {}),
      },
    });
  const tenantRows = (report: { results: readonly { scope: string; check: string; status: string; detail: string; hint?: string }[] }) =>
    report.results.filter((r) => r.scope === MANAGEMENT);

  it('adds one row per flag in use, probing a member account, and none without the flags', async () => {
    const access = detailed();
    const report = await runPreflight(
      config({ 'ou-path': true, 'delegated-admins': true, contacts: true, regions: true }),
      deps({ organizations: access }),
    );

    expect(tenantRows(report).map((r) => [r.check, r.status, r.detail])).toEqual([
      ['assume role', 'PASS', expect.any(String)],
      ['DescribeOrganization', 'PASS', expect.any(String)],
      ['ListAccounts', 'PASS', 'first page: 2 account(s)'],
      ['ListTagsForResource', 'PASS', expect.any(String)],
      ['OU names (ListRoots, DescribeOrganizationalUnit)', 'PASS', "1 root(s); OU names from the accounts' Paths"],
      ['ListDelegatedAdministrators', 'PASS', '1 delegated administrator(s)'],
      ['GetAlternateContact', 'PASS', `${MEMBER}: alternate contacts readable (trusted access for Account Management is on)`],
      ['ListRegions', 'PASS', `${MEMBER}: 2 Region(s) enabled`],
    ]);
    expect(access.calls).toContain(`alternateContactEmail(${MEMBER},SECURITY)`);
    const without = await runPreflight(config(), deps({ organizations: detailed() }));
    expect(tenantRows(without).map((r) => r.check)).toEqual(['assume role', 'DescribeOrganization', 'ListAccounts', 'ListTagsForResource']);
  });

  it('fails only the refused flag’s row, with the fix, and still checks the others', async () => {
    const report = await runPreflight(
      config({ contacts: true, regions: true }),
      deps({
        organizations: detailed({ step: 'contacts', error: new AwsError('AccessDeniedException', 'trusted access is not enabled') }),
      }),
    );

    const rows = tenantRows(report);
    const contacts = rows.find((r) => r.check === 'GetAlternateContact');
    expect(contacts?.status).toBe('FAIL');
    expect(contacts?.hint).toContain('aws organizations enable-aws-service-access --service-principal account.amazonaws.com');
    expect(rows.find((r) => r.check === 'ListRegions')?.status).toBe('PASS');
    expect(report.passed).toBe(false);
  });
});
