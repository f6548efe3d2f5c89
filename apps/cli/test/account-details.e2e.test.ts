import type { RunSummary } from '@orgmeta/core';
import {
  createBucket,
  putAlternateContact,
  registerDelegatedAdministrator,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type CreatedOrganization,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultRule,
  type ProxiedCall,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { getText, motoEndpoint, orgmeta } from './support/e2e';

const TABLE = 'details-e2e-tenants';
const BUCKET = 'details-e2e-reports';
const DETAILED = '112000000001'; // distinct from every other suite's management accounts (one moto server per package)
const ROLE = 'OrgMetaReader';

const DETAIL_HEADERS = [
  'ou_id_path',
  'parent_id',
  'delegated_services',
  'security_contact_email',
  'billing_contact_email',
  'operations_contact_email',
  'enabled_regions',
];

function key(prefix: string): string {
  return `${prefix}/dt=${new Date().toISOString().slice(0, 10)}/tenant_id=${DETAILED}/accounts.csv`;
}

async function withProxy<T>(options: Omit<FaultProxyOptions, 'target'>, run: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy({ target: motoEndpoint(), ...options });
  try {
    return await run(proxy);
  } finally {
    await proxy.stop();
  }
}

function collect(proxy: FaultProxy, prefix: string, extra: string[], env: Record<string, string> = {}) {
  return orgmeta(['collect', '--table', TABLE, '--role-name', ROLE, '--bucket', BUCKET, '--prefix', prefix, '--json', ...extra], {
    endpoint: proxy.endpoint,
    env,
  });
}

/** A rule that never answers: it only records the calls it sees. */
function recorder(calls: ProxiedCall[]): FaultRule {
  return {
    when: (call) => {
      calls.push(call);
      return false;
    },
    respond: { kind: 'drop' },
  };
}

function rowsOf(text: string): Record<string, string>[] {
  return parse(text, { columns: true });
}

describe('orgmeta collect with account details (end to end, moto + fault proxy)', () => {
  let org: CreatedOrganization;
  const idOf = (name: string) => org.accounts.find((a) => a.name === name)?.id ?? '';

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    org = await seedOrganization(endpoint, {
      managementAccountId: DETAILED,
      accounts: [
        { name: 'prod-a', email: 'prod-a@details.example', ouPath: 'Workloads/Prod', tags: [{ key: 'Owner', value: 'web' }] },
        { name: 'prod-b', email: 'prod-b@details.example', ouPath: 'Workloads/Prod' },
        { name: 'sandbox', email: 'sandbox@details.example', ouPath: 'Sandbox' },
        { name: 'security', email: 'security@details.example', ouPath: 'Security' },
        { name: 'at-root', email: 'root@details.example' },
      ],
    });
    await registerDelegatedAdministrator(endpoint, DETAILED, idOf('security'), ['macie.amazonaws.com', 'guardduty.amazonaws.com']);
    await registerDelegatedAdministrator(endpoint, DETAILED, idOf('sandbox'), ['config-multiaccountsetup.amazonaws.com']);
    await putAlternateContact(endpoint, DETAILED, DETAILED, 'SECURITY', 'security@management.example');
    await putAlternateContact(endpoint, DETAILED, idOf('prod-a'), 'SECURITY', 'sec@prod-a.example');
    await putAlternateContact(endpoint, DETAILED, idOf('prod-a'), 'BILLING', 'billing@prod-a.example');
    await putAlternateContact(endpoint, DETAILED, idOf('prod-a'), 'OPERATIONS', '=ops@prod-a.example');
    await seedTenantTable(endpoint, TABLE, [tenantItem(DETAILED, { name: 'Detailed' })]);
    await createBucket(endpoint, BUCKET);
  });

  it('appends every flag’s columns in SPEC order after collected_at and before the tags, with the values AWS holds', async () => {
    await withProxy({ regions: {} }, async (proxy) => {
      // Prepare: the proxy answers ListRegions itself (moto lacks it), per target account.
      const calls: ProxiedCall[] = [];
      proxy.setRules([recorder(calls)]);

      // Act
      const run = await collect(proxy, 'all', ['--ou-path', '--delegated-admins', '--contacts', '--regions']);

      // Assess
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      const text = await getText(BUCKET, key('all'));
      const header = text.split('\n')[0].split(',');
      expect(header.slice(14)).toEqual(['collected_at', ...DETAIL_HEADERS, 'tag:Owner']);
      const rows = rowsOf(text);
      const row = (id: string) => rows.find((r) => r.account_id === id) ?? {};
      const prodA = row(idOf('prod-a'));
      expect(prodA.ou_path).toBe('Root/Workloads/Prod');
      expect(prodA.ou_id_path).toMatch(/^r-[a-z0-9]+\/ou-[a-z0-9]+-[a-z0-9]+\/ou-[a-z0-9]+-[a-z0-9]+$/);
      expect(prodA.parent_id).toBe(prodA.ou_id_path.split('/').pop());
      expect(row(idOf('prod-b')).parent_id).toBe(prodA.parent_id);
      expect(row(idOf('at-root')).ou_id_path).toMatch(/^r-[a-z0-9]+$/);
      expect(row(idOf('at-root')).parent_id).toBe(row(idOf('at-root')).ou_id_path);
      expect(row(idOf('security')).delegated_services).toBe('guardduty.amazonaws.com;macie.amazonaws.com');
      expect(row(idOf('sandbox')).delegated_services).toBe('config-multiaccountsetup.amazonaws.com');
      expect(prodA.delegated_services).toBe('');
      expect([prodA.security_contact_email, prodA.billing_contact_email, prodA.operations_contact_email]).toEqual([
        'sec@prod-a.example',
        'billing@prod-a.example',
        "'=ops@prod-a.example",
      ]);
      // A missing contact is an empty cell, not a failure; the management account's own contact is read too.
      expect(row(idOf('sandbox')).security_contact_email).toBe('');
      expect(row(DETAILED).security_contact_email).toBe('security@management.example');
      expect(prodA.enabled_regions).toBe(
        'af-south-1;ap-northeast-1;ap-south-1;ap-southeast-1;ca-central-1;eu-central-1;eu-north-1;eu-west-1;eu-west-2;sa-east-1;us-east-1;us-east-2;us-west-1;us-west-2',
      );

      // Calls: delegated administrators once, their services once per administrator (2), not per account.
      const stats = proxy.stats().calls;
      expect(stats.ListDelegatedAdministrators).toBe(1);
      expect(stats.ListDelegatedServicesForAccount).toBe(2);
      // Three contact types for each of the 6 accounts; one ListRegions page of up to 50 per account.
      expect(stats.GetAlternateContact).toBe(18);
      expect(stats.ListRegions).toBe(6);
      // The management account is asked without AccountId (AWS refuses its own ID); members with theirs.
      const contactCalls = calls
        .filter((c) => c.operation === 'GetAlternateContact')
        .map((c) => JSON.parse(c.body) as { AccountId?: string });
      expect(contactCalls.filter((input) => input.AccountId === undefined)).toHaveLength(3);
      expect(contactCalls.filter((input) => input.AccountId === DETAILED)).toHaveLength(0);
      const regionInputs = calls.filter((c) => c.operation === 'ListRegions').map((c) => JSON.parse(c.body) as object);
      expect(regionInputs[0]).toMatchObject({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] });
    });
  });

  it('turns each flag on from its environment variable, adding only that flag’s columns', async () => {
    await withProxy({}, async (proxy) => {
      const run = await collect(proxy, 'env', [], { INCLUDE_DELEGATED_ADMINS: 'true' });

      expect(run.code).toBe(0);
      const header = (await getText(BUCKET, key('env'))).split('\n')[0].split(',');
      expect(header.slice(14)).toEqual(['collected_at', 'delegated_services', 'tag:Owner']);
      expect(proxy.stats().calls.GetAlternateContact).toBeUndefined();
    });
  });

  it('builds OU paths from ListAccounts’ Paths with fewer calls than the tree walk, and the same cells', async () => {
    // Without Paths (moto, as some endpoints): the OU tree is walked.
    const walked = await withProxy({}, async (proxy) => {
      const run = await collect(proxy, 'walk', ['--ou-path']);
      expect(run.code).toBe(0);
      return { calls: proxy.stats().calls, rows: rowsOf(await getText(BUCKET, key('walk'))) };
    });
    // The proxy stands in for AWS, which returns Paths with every account since 2026-03: it adds
    // them to moto's ListAccounts answers in AWS's wire format (`o-…/r-…/ou-…/…/<account id>/`).
    const fromPaths = await withProxy({ accountPaths: true }, async (proxy) => {
      const run = await collect(proxy, 'paths', ['--ou-path']);
      expect(run.code).toBe(0);
      return { calls: proxy.stats().calls, rows: rowsOf(await getText(BUCKET, key('paths'))) };
    });

    const cells = (rows: Record<string, string>[]) => rows.map((r) => [r.account_id, r.ou_path, r.ou_id_path, r.parent_id]);
    expect(cells(fromPaths.rows)).toEqual(cells(walked.rows));
    // 4 OUs (Workloads, Prod, Sandbox, Security): each named once; the root's name from one ListRoots.
    expect(fromPaths.calls.DescribeOrganizationalUnit).toBe(4);
    expect(fromPaths.calls.ListRoots).toBe(1);
    expect(fromPaths.calls.ListAccountsForParent).toBeUndefined();
    expect(fromPaths.calls.ListOrganizationalUnitsForParent).toBeUndefined();
    const ouCalls = (calls: Record<string, number>) =>
      ['ListRoots', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent', 'DescribeOrganizationalUnit'].reduce(
        (sum, op) => sum + (calls[op] ?? 0),
        0,
      );
    expect(ouCalls(walked.calls)).toBe(11);
    expect(ouCalls(fromPaths.calls)).toBe(5);
  });

  it('fails the tenant when trusted access for Account Management is off, with the command that turns it on', async () => {
    const rules: FaultRule[] = [
      {
        when: (call) =>
          call.operation === 'GetAlternateContact' && (JSON.parse(call.body) as { AccountId?: string }).AccountId !== undefined,
        respond: {
          kind: 'error',
          status: 403,
          code: 'AccessDeniedException',
          message: 'The request failed because your organization does not have the AWS Account Management trusted access enabled.',
        },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const run = await collect(proxy, 'no-trust', ['--contacts', '--max-attempts', '1']);

      expect(run.code).toBe(2);
      const summary = JSON.parse(run.stdout) as RunSummary;
      const [tenant] = summary.tenants;
      expect(tenant.status).toBe('failed');
      expect(tenant.error?.code).toBe('AccessDeniedException');
      expect(tenant.error?.message).toContain('trusted access');
      expect(tenant.error?.hint).toContain('aws organizations enable-aws-service-access --service-principal account.amazonaws.com');
      expect(tenant.error?.hint).toContain('account:GetAlternateContact');
      expect(tenant.error?.hint).toContain('--contacts');
      expect(tenant.s3Key).toBeUndefined();
    });
  });

  it('names the missing permission when the reader role may not list delegated administrators or Regions', async () => {
    const denied = (operation: string): FaultRule => ({
      when: (call) => call.operation === operation,
      respond: { kind: 'error', status: 400, code: 'AccessDeniedException', message: `not authorized to perform ${operation}` },
    });
    await withProxy({ rules: [denied('ListDelegatedAdministrators')] }, async (proxy) => {
      const run = await collect(proxy, 'no-delegated', ['--delegated-admins']);
      const [tenant] = (JSON.parse(run.stdout) as RunSummary).tenants;
      expect(run.code).toBe(2);
      expect(tenant.error?.message).toMatch(/^DelegatedAdmins failed/);
      expect(tenant.error?.hint).toContain('organizations:ListDelegatedAdministrators');
    });
    await withProxy({ rules: [denied('ListRegions')] }, async (proxy) => {
      const run = await collect(proxy, 'no-regions', ['--regions']);
      const [tenant] = (JSON.parse(run.stdout) as RunSummary).tenants;
      expect(run.code).toBe(2);
      expect(tenant.error?.message).toMatch(/^EnabledRegions failed/);
      expect(tenant.error?.hint).toContain('account:ListRegions');
      expect(tenant.error?.hint).toContain('enable-aws-service-access --service-principal account.amazonaws.com');
    });
  });

  describe('check', () => {
    const check = (proxy: FaultProxy, extra: string[]) =>
      orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--no-upload', ...extra], { endpoint: proxy.endpoint });
    type Row = { scope: string; check: string; status: string; detail: string; hint?: string };
    const detailRows = (stdout: string) =>
      (JSON.parse(stdout) as { results: Row[] }).results.filter(
        (r) => r.scope === DETAILED && !['assume role', 'DescribeOrganization', 'ListAccounts', 'ListTagsForResource'].includes(r.check),
      );

    it('adds a PASS row per detail flag in use, read on a member account', async () => {
      await withProxy({ accountPaths: true, record: true }, async (proxy) => {
        const run = await check(proxy, ['--ou-path', '--delegated-admins', '--contacts', '--regions', '--json']);

        expect(run.code).toBe(0);
        expect(detailRows(run.stdout).map((r) => [r.check, r.status])).toEqual([
          ['OU names (ListRoots, DescribeOrganizationalUnit)', 'PASS'],
          ['ListDelegatedAdministrators', 'PASS'],
          ['GetAlternateContact', 'PASS'],
          ['ListRegions', 'PASS'],
        ]);
        expect(detailRows(run.stdout).map((r) => r.detail)).toEqual([
          "1 root(s); OU names from the accounts' Paths",
          '2 delegated administrator(s)',
          expect.stringContaining('trusted access for Account Management is on'),
          expect.stringMatching(/: 14 Region\(s\) enabled$/),
        ]);
        const calls = proxy.calls().filter((c) => c.operation === 'GetAlternateContact');
        expect(calls).toHaveLength(1);
        expect((JSON.parse(calls[0].body) as { AccountId?: string }).AccountId).toMatch(/^\d{12}$/);
      });
    });

    it('fails the contacts row when trusted access is off, shows the fix, and still checks Regions', async () => {
      const rules: FaultRule[] = [
        {
          when: (call) => call.operation === 'GetAlternateContact',
          respond: {
            kind: 'error',
            status: 403,
            code: 'AccessDeniedException',
            message: 'AWS Account Management trusted access is not enabled.',
          },
        },
      ];
      await withProxy({ rules }, async (proxy) => {
        const run = await check(proxy, ['--contacts', '--regions', '--max-attempts', '1']);

        expect(run.code).toBe(2);
        expect(run.stdout).toMatch(/GetAlternateContact\s+FAIL\s+AccessDeniedException/);
        expect(run.stdout).toMatch(/ListRegions\s+PASS/);
        expect(run.stdout).toContain('How to fix:');
        expect(run.stdout).toContain('aws organizations enable-aws-service-access --service-principal account.amazonaws.com');
      });
    });

    it('adds no detail rows without the flags', async () => {
      await withProxy({}, async (proxy) => {
        const run = await check(proxy, ['--json']);
        expect(run.code).toBe(0);
        expect(detailRows(run.stdout)).toEqual([]);
      });
    });
  });
});
