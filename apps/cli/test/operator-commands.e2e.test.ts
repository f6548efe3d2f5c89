import { spawnSync } from 'node:child_process';
import {
  createBucket,
  emulatorEnvironment,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type FaultProxy,
} from '@orgmeta/test-support';
import { ORGMETA_BIN, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'operator-e2e-tenants';
const BUCKET = 'operator-e2e-reports';
const HEALTHY = '105000000001';
const DENIED = '105000000002';
const NO_ORG = '105000000003';
const ROLE = 'OrgMetaReader';
const EXTERNAL_ID = 'operator-secret-external-id';

// Any ANSI escape or other C0 control character except LF.
const CONTROL_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe('orgmeta tenants, check and progress (end to end)', () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, {
      managementAccountId: HEALTHY,
      accounts: [{ name: 'member', email: 'member@example.com', tags: [{ key: 'Owner', value: 'ops' }] }],
    });
    await seedOrganization(endpoint, { managementAccountId: DENIED, accounts: [] });
    await seedTenantTable(endpoint, TABLE, [
      tenantItem(HEALTHY, { name: 'Healthy', externalId: EXTERNAL_ID }),
      tenantItem(DENIED, { name: 'Revoked', roleName: 'CustomReader' }),
      tenantItem(NO_ORG, { name: 'Standalone' }),
      tenantItem('bad-id'),
    ]);
    await createBucket(endpoint, BUCKET);
    const deniedRole = `arn:aws:iam::${DENIED}:role/CustomReader`;
    proxy = await startFaultProxy({
      target: endpoint,
      rules: [
        {
          when: (c) => c.operation === 'AssumeRole' && c.roleArn === deniedRole,
          respond: {
            kind: 'error',
            status: 403,
            code: 'AccessDenied',
            message: `User is not authorized to perform: sts:AssumeRole on resource: ${deniedRole}`,
          },
        },
      ],
    });
  });
  afterAll(() => proxy.stop());

  describe('tenants', () => {
    it('lists the selected tenants with the role they would use, and never an ExternalId value', async () => {
      const run = await orgmeta(['tenants', '--table', TABLE, '--role-name', ROLE]);
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toMatch(/^TENANT\s+NAME\s+ROLE\s+EXTERNAL ID$/);
      expect(lines.find((l) => l.startsWith(HEALTHY))).toMatch(/Healthy\s+OrgMetaReader\s+set$/);
      expect(lines.find((l) => l.startsWith(DENIED))).toMatch(/Revoked\s+CustomReader\s+no$/);
      expect(run.stdout).toContain('3 tenant(s) selected');
      expect(run.stdout).toContain('pk=item-0004');
      expect(run.stdout).not.toContain(EXTERNAL_ID);
      expect(run.stdout).not.toMatch(CONTROL_CHARACTERS);
    });

    it('gives the same as JSON for scripts', async () => {
      const run = await orgmeta(['tenants', '--table', TABLE, '--json']);
      expect(run.code).toBe(0);
      const listed = JSON.parse(run.stdout);
      expect(listed.tenants).toEqual([
        { tenantId: HEALTHY, tenantName: 'Healthy', externalIdSet: true },
        { tenantId: DENIED, tenantName: 'Revoked', roleName: 'CustomReader', externalIdSet: false },
        { tenantId: NO_ORG, tenantName: 'Standalone', externalIdSet: false },
      ]);
      expect(listed.invalidRecords).toEqual([{ key: 'pk=item-0004', reason: 'tenant_id "bad-id" is not a 12-digit account ID' }]);
      expect(run.stdout).not.toContain(EXTERNAL_ID);
    });
  });

  describe('check', () => {
    it('passes every check of a healthy tenant and the bucket, and exits 0', async () => {
      const run = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--bucket', BUCKET, '--tenant', HEALTHY], {
        endpoint: proxy.endpoint,
      });
      expect(run.code).toBe(0);
      for (const check of [
        'tenant table readable',
        'bucket writable',
        'assume role',
        'DescribeOrganization',
        'ListAccounts',
        'ListTagsForResource',
      ]) {
        expect(run.stdout).toMatch(new RegExp(`${check}\\s+PASS`));
      }
      expect(run.stdout).toContain('All checks passed.');
      expect(run.stdout).not.toContain(EXTERNAL_ID);
    });

    it('fails a denied role, an account without an organization and a missing bucket, each with a fix', async () => {
      const run = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--bucket', 'no-such-bucket-here', '--json'], {
        endpoint: proxy.endpoint,
      });
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout);
      const result = (scope: string, check: string) =>
        report.results.find((r: { scope: string; check: string }) => r.scope === scope && r.check === check);
      expect(result('run', 'bucket writable')).toMatchObject({
        status: 'FAIL',
        code: 'NoSuchBucket',
        hint: expect.stringContaining('create it or fix --bucket'),
      });
      expect(result(DENIED, 'assume role')).toMatchObject({ status: 'FAIL', code: 'AccessDenied' });
      expect(result(DENIED, 'assume role').hint).toContain(
        `Trust policy statement for arn:aws:iam::${DENIED}:role/CustomReader: {"Effect":"Allow","Principal":{"AWS":"arn:aws:`,
      );
      expect(result(DENIED, 'DescribeOrganization')).toMatchObject({ status: 'SKIP' });
      expect(result(NO_ORG, 'DescribeOrganization')).toMatchObject({
        status: 'FAIL',
        code: 'AWSOrganizationsNotInUseException',
        hint: expect.stringContaining('not in an AWS Organization'),
      });
      expect(result(HEALTHY, 'ListTagsForResource')).toMatchObject({ status: 'PASS' });
      expect(report.passed).toBe(false);
    });

    it('prints the PASS/FAIL table with a fix per failure', async () => {
      const run = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--bucket', BUCKET, '--tenant', DENIED], {
        endpoint: proxy.endpoint,
      });
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(new RegExp(`${DENIED}\\s+assume role\\s+FAIL\\s+AccessDenied`));
      expect(run.stdout).toContain('How to fix:');
      expect(run.stdout).toContain('1 check(s) failed.');
      expect(run.stdout).not.toMatch(CONTROL_CHARACTERS);
    });
  });

  describe('progress', () => {
    it('shows a live progress display under a pseudo-terminal and ends with the summary', () => {
      // `script` gives the CLI a real TTY on stdout and stderr.
      const command = [
        ORGMETA_BIN,
        'collect',
        '--table',
        TABLE,
        '--role-name',
        ROLE,
        '--bucket',
        BUCKET,
        '--prefix',
        'pty',
        '--tenant',
        HEALTHY,
        '--tenant',
        NO_ORG,
      ]
        .map((part) => `'${part}'`)
        .join(' ');
      const run = spawnSync('script', ['-qefc', command, '/dev/null'], {
        cwd: workDir(),
        env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...emulatorEnvironment(motoEndpoint()) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      const screen = run.stdout;
      expect(screen).toMatch(/Collecting \S+ 0\/2 tenants, 0 failed, 0 accounts, 0 throttled/);
      expect(screen).toMatch(/Collecting \S+ 2\/2 tenants, 1 failed, 2 accounts, 0 throttled/);
      expect(screen).toContain(`ERROR Tenant ${NO_ORG} failed: AWSOrganizationsNotInUseException`);
      expect(screen).toContain('\u001b['); // drawn with terminal control sequences
      const summaryAt = screen.indexOf('TENANT');
      expect(summaryAt).toBeGreaterThan(screen.lastIndexOf('Collecting '));
      expect(screen.slice(summaryAt)).toContain('1/2 tenant(s) succeeded, 1 failed');
    });

    it('keeps off-TTY output free of control characters', async () => {
      const run = await orgmeta([
        'collect',
        '--table',
        TABLE,
        '--role-name',
        ROLE,
        '--bucket',
        BUCKET,
        '--prefix',
        'plain',
        '--tenant',
        HEALTHY,
        '--tenant',
        NO_ORG,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('INFO  Collecting 2 tenant(s)');
      expect(run.stdout + run.stderr).not.toMatch(CONTROL_CHARACTERS);
    });
  });

  it('prints help with examples for every command, a version, and a completion script', async () => {
    for (const command of ['collect', 'tenants', 'check']) {
      const help = await orgmeta([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
    // The version the package says (the workspace's one version, .projenrc.ts).
    expect((await orgmeta(['--version'])).stdout.trim()).toBe('0.1.0');
    expect((await orgmeta(['completion'])).stdout).toContain('_orgmeta_yargs_completions');
  });
});
