import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import { seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { filesUnder, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'items-e2e-tenants';
const GOOD = '107000000001';
const ROLE = 'OrgMetaReader';

describe('tenant-table items (end to end)', () => {
  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, { managementAccountId: GOOD, accounts: [] });
    // A table keyed on `pk`, as many real tenant tables are: items are found by pk, not by tenant_id.
    await seedTenantTable(endpoint, TABLE, [
      { ...tenantItem(GOOD, { name: 'Good' }), pk: { S: 'tenant#1' } },
      { ...tenantItem('12345'), pk: { S: 'tenant#42' } },
    ]);
  });

  describe('a table keyed on pk', () => {
    it('names the bad item by its primary key on stderr and in the --json invalidRecords of collect', async () => {
      // Act
      const run = await orgmeta(['collect', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--json']);
      // Assess
      expect(run.code).toBe(0);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.invalidRecords).toEqual([{ key: 'pk=tenant#42', reason: 'tenant_id "12345" is not a 12-digit account ID' }]);
      expect(run.stderr).toContain('Skipped tenant-table item pk=tenant#42: tenant_id "12345" is not a 12-digit account ID');
      expect(summary.tenants.map((t) => t.tenantId)).toEqual([GOOD]);
    });

    it('names it the same way in tenants, as a table and as JSON', async () => {
      const text = await orgmeta(['tenants', '--table', TABLE]);
      const json = await orgmeta(['tenants', '--table', TABLE, '--json']);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/pk=tenant#42\s+tenant_id "12345" is not a 12-digit account ID/);
      expect(JSON.parse(json.stdout).invalidRecords).toEqual([
        { key: 'pk=tenant#42', reason: 'tenant_id "12345" is not a 12-digit account ID' },
      ]);
    });
  });

  describe('without dynamodb:DescribeTable', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({
        target: motoEndpoint(),
        rules: [
          {
            when: (c) => c.operation === 'DescribeTable',
            respond: {
              kind: 'error',
              status: 400,
              code: 'AccessDeniedException',
              message: 'not authorized to perform: dynamodb:DescribeTable',
            },
          },
        ],
      });
    });
    afterAll(() => proxy.stop());

    it('still reads the table, names bad items by tenant_id, and says why once', async () => {
      const run = await orgmeta(['collect', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--json'], { endpoint: proxy.endpoint });
      expect(run.code).toBe(0);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.invalidRecords).toEqual([{ key: 'tenant_id=12345', reason: 'tenant_id "12345" is not a 12-digit account ID' }]);
      expect(run.stderr.match(/Cannot read the key schema of tenant table/g)).toHaveLength(1);
      expect(run.stderr).toContain('dynamodb:DescribeTable');
      expect(summary.totals.succeeded).toBe(1);
    });
  });

  describe('hostile values in the table', () => {
    const HOSTILE_TABLE = 'hostile-e2e-tenants';
    const NAMED = '107000000002';
    const FORGED = 'ERROR Tenant 999999999999 failed: forged';
    const LONG_NAME = `Acme\u2028INFO forged ${'n'.repeat(300_000)}`;
    // Any control character but LF, and the Unicode line/paragraph separators.
    const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

    beforeAll(async () => {
      const endpoint = motoEndpoint();
      await seedOrganization(endpoint, { managementAccountId: NAMED, accounts: [] });
      await seedTenantTable(endpoint, HOSTILE_TABLE, [
        { ...tenantItem(NAMED, { name: LONG_NAME }), pk: { S: 'tenant#named' } },
        { ...tenantItem('bad'), pk: { S: `x\n${FORGED}` } },
        { ...tenantItem(`1\n${FORGED}`), pk: { S: 'tenant#newline' } },
        { ...tenantItem('107000000003', { roleName: '\u001b[2J\u001b[31mReader' }), pk: { S: 'tenant#ansi' } },
        { ...tenantItem(`2\u2028WARN forged`), pk: { S: 'tenant#separator' } },
      ]);
    });

    function expectSafeLines(text: string): void {
      expect(text).not.toMatch(UNSAFE);
      for (const line of text.split('\n')) {
        expect(line).not.toMatch(/^(ERROR|WARN|INFO)\s+(Tenant 999999999999|forged)/);
        expect(line.length).toBeLessThan(4_096);
      }
    }

    it('collect: no forged or huge line on stdout or stderr, a bounded manifest, the name whole in the report', async () => {
      // Prepare
      const dir = workDir();
      // Act
      const run = await orgmeta(['collect', '--table', HOSTILE_TABLE, '--role-name', ROLE, '--no-upload', '--out-dir', 'out'], {
        cwd: dir,
      });
      const json = await orgmeta(['collect', '--table', HOSTILE_TABLE, '--role-name', ROLE, '--no-upload', '--out-dir', 'out', '--json'], {
        cwd: dir,
      });
      // Assess
      expect(run.code).toBe(0);
      expect(json.code).toBe(0);
      for (const output of [run.stdout, run.stderr, json.stdout, json.stderr]) expectSafeLines(output);
      const summary: RunSummary = JSON.parse(json.stdout);
      // Scan order is the table's hash order.
      const reasons = Object.fromEntries(summary.invalidRecords.map((r) => [r.key, r.reason]));
      expect(Object.keys(reasons).sort()).toEqual(['pk=tenant#ansi', 'pk=tenant#newline', 'pk=tenant#separator', `pk=x\\n${FORGED}`]);
      expect(reasons['pk=tenant#ansi']).toContain('is not a valid IAM role name');
      const files = filesUnder(join(dir, 'out'));
      const manifests = files.filter((f) => f.includes('_manifests/')).map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
      expect(manifests).toHaveLength(2);
      for (const manifest of manifests) {
        expect(manifest.length).toBeLessThan(10_000);
        expect(manifest).not.toMatch(/\u2028/);
      }
      const report = readFileSync(join(dir, 'out', files.find((f) => f.endsWith('accounts.csv')) ?? ''), 'utf8');
      expect(report).toContain(LONG_NAME.slice(-1000));
    });

    it('tenants: the table and the JSON list stay safe', async () => {
      const text = await orgmeta(['tenants', '--table', HOSTILE_TABLE]);
      const json = await orgmeta(['tenants', '--table', HOSTILE_TABLE, '--json']);
      expect(text.code).toBe(0);
      for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) expectSafeLines(output);
      expect(JSON.parse(json.stdout).tenants).toEqual([
        {
          tenantId: NAMED,
          tenantName: expect.stringMatching(/^Acme\\u2028INFO forged n+… \(\d+ more characters\)$/),
          externalIdSet: false,
        },
      ]);
    });
  });
});
