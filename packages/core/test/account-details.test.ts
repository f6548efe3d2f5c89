import {
  collectRun,
  diffSnapshots,
  resolveCollectConfig,
  snapshotFromReport,
  type Account,
  type CollectConfig,
  type TenantReport,
} from '../src';
import { collectAccountDetails, detailColumnsFor } from '../src/account-details';
import type { DetailStep } from '../src/tenant-calls';
import {
  AwsError,
  FakeOrganizationAccess,
  MemorySink,
  RecordingLogger,
  StaticTenantSource,
  account,
  activeTenant,
  organization,
  type FakeOrganization,
} from './fakes';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const SUSPENDED = '333333333333';

function config(flags: Record<string, unknown> = {}): CollectConfig {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

const passThrough: DetailStep = (_stage, action) => action();

function withPath(a: Account, path: string): Account {
  return { ...a, paths: [path] };
}

async function readerFor(org: FakeOrganization) {
  const access = new FakeOrganizationAccess({ [MANAGEMENT]: org });
  const reader = await access.connect({ tenantId: MANAGEMENT, roleArn: 'arn:aws:iam::111111111111:role/r', roleSessionName: 's' });
  return { access, reader };
}

function org(spec: Partial<FakeOrganization> = {}): FakeOrganization {
  return {
    organization: organization(MANAGEMENT),
    accountPages: [[account(MANAGEMENT), account(MEMBER), { ...account(SUSPENDED), state: 'SUSPENDED' }]],
    ...spec,
  };
}

describe('detailColumnsFor', () => {
  it('lists the columns of the flags in use in SPEC order, whatever order the flags come in', () => {
    expect(detailColumnsFor(config({ regions: true, contacts: true, 'delegated-admins': true, 'ou-path': true }))).toEqual([
      'ou_id_path',
      'parent_id',
      'delegated_services',
      'security_contact_email',
      'billing_contact_email',
      'operations_contact_email',
      'enabled_regions',
    ]);
    expect(detailColumnsFor(config({ regions: true }))).toEqual(['enabled_regions']);
    expect(detailColumnsFor(config())).toEqual([]);
  });

  it('reads each flag from its environment variable too', () => {
    const fromEnv = resolveCollectConfig({
      flags: {},
      env: {
        TENANTS_TABLE_NAME: 'tenants',
        CROSS_ACCOUNT_ROLE_NAME: 'r',
        REPORT_BUCKET_NAME: 'reports',
        INCLUDE_DELEGATED_ADMINS: 'yes',
        INCLUDE_CONTACTS: 'true',
        INCLUDE_REGIONS: '1',
      },
    });
    expect(detailColumnsFor(fromEnv)).toEqual([
      'delegated_services',
      'security_contact_email',
      'billing_contact_email',
      'operations_contact_email',
      'enabled_regions',
    ]);
  });
});

describe('collectAccountDetails', () => {
  it('builds OU paths from the accounts’ Paths, naming each OU once and the root once, without walking the tree', async () => {
    // Prepare
    const accounts = [
      withPath(account(MANAGEMENT), `o-abc/r-ab12/${MANAGEMENT}/`),
      withPath(account(MEMBER), `o-abc/r-ab12/ou-ab12-11111111/ou-ab12-22222222/${MEMBER}/`),
      withPath(account('444444444444'), 'o-abc/r-ab12/ou-ab12-11111111/ou-ab12-22222222/444444444444'),
    ];
    const { access, reader } = await readerFor(
      org({ names: { 'r-ab12': 'Root', 'ou-ab12-11111111': 'Workloads', 'ou-ab12-22222222': 'Prod' } }),
    );

    // Act
    const details = await collectAccountDetails(reader, organization(MANAGEMENT), accounts, config({ 'ou-path': true }), passThrough);

    // Assess
    expect(details.ouPaths.get(MEMBER)).toBe('Root/Workloads/Prod');
    expect(details.ouPaths.get(MANAGEMENT)).toBe('Root');
    expect(Object.fromEntries(details.byAccount.get(MEMBER) ?? [])).toEqual({
      ou_id_path: 'r-ab12/ou-ab12-11111111/ou-ab12-22222222',
      parent_id: 'ou-ab12-22222222',
    });
    expect(Object.fromEntries(details.byAccount.get(MANAGEMENT) ?? [])).toEqual({ ou_id_path: 'r-ab12', parent_id: 'r-ab12' });
    expect([...access.calls].sort()).toEqual([
      'organizationalUnitName(ou-ab12-11111111)',
      'organizationalUnitName(ou-ab12-22222222)',
      'rootNames',
    ]);
  });

  it('walks the OU tree when any account came without Paths', async () => {
    const accounts = [withPath(account(MANAGEMENT), `o-abc/r-ab12/${MANAGEMENT}`), account(MEMBER)];
    const { access, reader } = await readerFor(org({ ouPaths: { [MANAGEMENT]: 'Root', [MEMBER]: 'Root/Sandbox' } }));

    const details = await collectAccountDetails(reader, organization(MANAGEMENT), accounts, config({ 'ou-path': true }), passThrough);

    expect(access.calls).toEqual(['accountOuPaths']);
    expect(details.ouPaths.get(MEMBER)).toBe('Root/Sandbox');
    expect(details.byAccount.get(MEMBER)?.get('parent_id')).toBe('ou-sandbox');
  });

  it('asks for delegated administrators once and for services once per administrator, not per account', async () => {
    const { access, reader } = await readerFor(
      org({ delegated: { [MEMBER]: ['securityhub.amazonaws.com', 'guardduty.amazonaws.com', 'guardduty.amazonaws.com'] } }),
    );
    const accounts = [account(MANAGEMENT), account(MEMBER), account(SUSPENDED)];

    const details = await collectAccountDetails(
      reader,
      organization(MANAGEMENT),
      accounts,
      config({ 'delegated-admins': true }),
      passThrough,
    );

    expect(access.calls).toEqual(['delegatedAdministrators', `delegatedServices(${MEMBER})`]);
    expect(details.byAccount.get(MEMBER)?.get('delegated_services')).toBe('guardduty.amazonaws.com;securityhub.amazonaws.com');
    expect(details.byAccount.get(MANAGEMENT)?.get('delegated_services')).toBe('');
  });

  it('reads the management account’s contacts without an account ID, leaves missing contacts empty and skips suspended accounts', async () => {
    const { access, reader } = await readerFor(
      org({
        contacts: {
          self: { SECURITY: 'sec@management.example' },
          [MEMBER]: { SECURITY: 'sec@member.example', BILLING: 'bill@member.example', OPERATIONS: 'ops@member.example' },
        },
      }),
    );
    const accounts = [account(MANAGEMENT), account(MEMBER), { ...account(SUSPENDED), state: 'SUSPENDED' }];

    const details = await collectAccountDetails(reader, organization(MANAGEMENT), accounts, config({ contacts: true }), passThrough);

    expect(Object.fromEntries(details.byAccount.get(MANAGEMENT) ?? [])).toEqual({
      security_contact_email: 'sec@management.example',
      billing_contact_email: '',
      operations_contact_email: '',
    });
    expect(details.byAccount.get(MEMBER)?.get('operations_contact_email')).toBe('ops@member.example');
    expect(details.byAccount.get(SUSPENDED)?.get('security_contact_email')).toBe('');
    expect(access.calls.filter((c) => c.includes(SUSPENDED))).toEqual([]);
    expect(access.calls.filter((c) => c.includes(MANAGEMENT))).toEqual([]);
    expect(access.calls).toContain('alternateContactEmail(self,BILLING)');
    expect(access.calls).toHaveLength(6);
  });

  it('joins enabled Regions sorted with ;', async () => {
    const { reader } = await readerFor(org({ regions: { [MEMBER]: ['us-west-2', 'eu-west-1', 'us-east-1'], self: ['us-east-1'] } }));

    const details = await collectAccountDetails(
      reader,
      organization(MANAGEMENT),
      [account(MANAGEMENT), account(MEMBER)],
      config({ regions: true }),
      passThrough,
    );

    expect(details.byAccount.get(MEMBER)?.get('enabled_regions')).toBe('eu-west-1;us-east-1;us-west-2');
    expect(details.byAccount.get(MANAGEMENT)?.get('enabled_regions')).toBe('us-east-1');
  });
});

describe('collectRun with account details', () => {
  function world(fake: FakeOrganization) {
    const s3 = new MemorySink('s3');
    const reports: TenantReport[] = [];
    const logger = new RecordingLogger();
    return {
      s3,
      reports,
      logger,
      deps: {
        tenantSource: new StaticTenantSource([activeTenant(MANAGEMENT)]),
        organizations: new FakeOrganizationAccess({ [MANAGEMENT]: fake }),
        render: (report: TenantReport) => {
          reports.push(report);
          return 'report';
        },
        sinks: [s3],
        logger,
        region: 'us-east-1',
        surface: 'cli' as const,
      },
    };
  }

  it('hands the detail columns to the report, and the snapshot of that report records them by name', async () => {
    const { deps, reports } = world(org({ regions: { [MEMBER]: ['eu-west-1'] }, contacts: { [MEMBER]: { BILLING: 'b@x.example' } } }));

    const { summary } = await collectRun(config({ contacts: true, regions: true }), deps);

    expect(summary.totals.succeeded).toBe(1);
    const [report] = reports;
    expect(report.detailColumns).toEqual([
      'security_contact_email',
      'billing_contact_email',
      'operations_contact_email',
      'enabled_regions',
    ]);
    const snapshot = snapshotFromReport(report, summary.runId);
    expect(snapshot.detailColumns).toEqual(report.detailColumns);
    const member = snapshot.accounts.find((a) => a.fields.account_id === MEMBER);
    expect(member?.details.get('billing_contact_email')).toBe('b@x.example');
    expect(member?.details.get('enabled_regions')).toBe('eu-west-1');
  });

  it('fails the tenant when Account Management is refused, with a hint naming the IAM action and trusted access', async () => {
    const { deps, s3 } = world(org({ failAt: { step: 'contacts', error: new AwsError('AccessDeniedException', 'not allowed') } }));

    const { summary } = await collectRun(config({ contacts: true }), deps);

    const [tenant] = summary.tenants;
    expect(tenant.status).toBe('failed');
    expect(tenant.error?.code).toBe('AccessDeniedException');
    expect(tenant.error?.message).toMatch(/^AlternateContacts failed/);
    expect(tenant.error?.hint).toContain('account:GetAlternateContact');
    expect(tenant.error?.hint).toContain('aws organizations enable-aws-service-access --service-principal account.amazonaws.com');
    expect(tenant.error?.hint).toContain('--contacts / INCLUDE_CONTACTS');
    expect([...s3.objects.keys()].filter((k) => k.endsWith('accounts.csv'))).toEqual([]);
  });

  it('collects no details and makes no detail call without the flags', async () => {
    const fake = org();
    const access = new FakeOrganizationAccess({ [MANAGEMENT]: fake });
    const { deps, reports } = world(fake);

    await collectRun(config(), { ...deps, organizations: access });

    expect(reports[0].detailColumns).toEqual([]);
    expect(access.calls).toEqual([]);
  });
});

describe('collectAccountDetails side by side', () => {
  it('stops reading Regions once contacts failed, and reports the contacts failure', async () => {
    const many = Array.from({ length: 40 }, (_, i) => account(String(500000000000 + i)));
    const access = new FakeOrganizationAccess({
      [MANAGEMENT]: {
        organization: organization(MANAGEMENT),
        accountPages: [many],
        failAt: { step: 'contacts', error: new AwsError('AccessDeniedException', 'no trusted access') },
      },
    });
    const reader = await access.connect({ tenantId: MANAGEMENT, roleArn: 'arn:aws:iam::111111111111:role/r', roleSessionName: 's' });

    await expect(
      collectAccountDetails(reader, organization(MANAGEMENT), many, config({ contacts: true, regions: true }), passThrough),
    ).rejects.toThrow('no trusted access');

    await new Promise((resolve) => setImmediate(resolve));
    expect(access.calls.filter((c) => c.startsWith('enabledRegions')).length).toBeLessThan(10);
  });
});

describe('account details across two runs', () => {
  it('a contact or Region that changes between two collected runs is a detail_changed row', async () => {
    // Prepare: the same organization collected twice, the member's billing contact and Regions changed in between.
    const reportsOf = async (contacts: FakeOrganization['contacts'], regions: FakeOrganization['regions']) => {
      const reports: TenantReport[] = [];
      await collectRun(config({ contacts: true, regions: true }), {
        tenantSource: new StaticTenantSource([activeTenant(MANAGEMENT)]),
        organizations: new FakeOrganizationAccess({ [MANAGEMENT]: org({ contacts, regions }) }),
        render: (report) => {
          reports.push(report);
          return '';
        },
        sinks: [new MemorySink('s3')],
        logger: new RecordingLogger(),
        region: 'us-east-1',
        surface: 'cli',
      });
      return reports[0];
    };
    const before = await reportsOf({ [MEMBER]: { BILLING: 'old@x.example' } }, { [MEMBER]: ['us-east-1'] });
    const after = await reportsOf({ [MEMBER]: { BILLING: 'new@x.example' } }, { [MEMBER]: ['eu-west-1', 'us-east-1'] });

    // Act
    const changes = diffSnapshots(snapshotFromReport(before, 'run-1'), snapshotFromReport(after, 'run-2'));

    // Assess
    expect(changes.map((c) => [c.account_id, c.change, c.field, c.before, c.after])).toEqual([
      [MEMBER, 'detail_changed', 'billing_contact_email', 'old@x.example', 'new@x.example'],
      [MEMBER, 'detail_changed', 'enabled_regions', 'us-east-1', 'eu-west-1;us-east-1'],
    ]);
  });
});
