import type { RunSummary } from '@orgmeta/core';
import { seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { motoEndpoint, orgmeta } from './support/e2e';

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
});
