import type { RunSummary } from '@orgmeta/core';
import { seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { motoEndpoint, orgmeta } from './support/e2e';

const TABLE = 'policy-e2e-tenants';
const ROLE = 'OrgMetaReader';
const OWN = '109000000001'; // its own ExternalId
const SHARED_A = '109000000002'; // no ExternalId of its own
const SHARED_B = '109000000003'; // no ExternalId of its own
const CONFLICT = '109000000004'; // two items that disagree on the role
const TWICE = '109000000005'; // two identical items
const RUN_WIDE = 'policy-run-wide-ext-99';

describe('ExternalId policy and duplicate items (end to end)', () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    for (const id of [OWN, SHARED_A, SHARED_B, CONFLICT, TWICE])
      await seedOrganization(endpoint, { managementAccountId: id, accounts: [] });
    await seedTenantTable(endpoint, TABLE, [
      { ...tenantItem(OWN, { name: 'Own', externalId: 'policy-own-ext-01' }), pk: { S: 'tenant#own' } },
      { ...tenantItem(SHARED_A, { name: 'Shared A' }), pk: { S: 'tenant#a' } },
      { ...tenantItem(SHARED_B, { name: 'Shared B' }), pk: { S: 'tenant#b' } },
      { ...tenantItem(CONFLICT, { name: 'Conflict', roleName: 'ReaderOne' }), pk: { S: 'tenant#conflict-1' } },
      { ...tenantItem(CONFLICT, { name: 'Conflict', roleName: 'ReaderTwo' }), pk: { S: 'tenant#conflict-2' } },
      { ...tenantItem(TWICE, { name: 'Twice' }), pk: { S: 'tenant#twice-1' } },
      { ...tenantItem(TWICE, { name: 'Twice' }), pk: { S: 'tenant#twice-2' } },
    ]);
    proxy = await startFaultProxy({ target: endpoint });
  });
  afterAll(() => proxy.stop());

  const collect = (extra: string[], env: Record<string, string> = {}) =>
    orgmeta(['collect', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--json', ...extra], { endpoint: proxy.endpoint, env });

  it('--require-external-id fails the tenants without their own ExternalId, with a hint, and never assumes their roles', async () => {
    // Prepare
    proxy.resetStats();
    // Act: the run-wide ExternalId does not stand in for a tenant's own.
    const run = await collect(['--require-external-id', '--external-id', RUN_WIDE]);
    // Assess
    expect(run.code).toBe(2);
    const summary: RunSummary = JSON.parse(run.stdout);
    expect(summary.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      [OWN, 'succeeded', undefined],
      [SHARED_A, 'failed', 'ExternalIdMissing'],
      [SHARED_B, 'failed', 'ExternalIdMissing'],
      [TWICE, 'failed', 'ExternalIdMissing'],
    ]);
    expect(summary.tenants[1].error?.hint).toContain('Add an external_id attribute');
    expect(summary.tenants[1].error?.hint).toContain('--require-external-id / REQUIRE_EXTERNAL_ID');
    expect(proxy.stats().assumeRoleByAccount).toEqual({ [OWN]: 1 });
    expect(run.stderr).toContain(`Tenant ${SHARED_A} failed: ExternalIdMissing`);
  });

  it('REQUIRE_EXTERNAL_ID=true does the same from the environment', async () => {
    const run = await collect(['--tenant', SHARED_A], { REQUIRE_EXTERNAL_ID: 'true' });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).tenants[0].error.code).toBe('ExternalIdMissing');
  });

  it('without it, collects every tenant; items of one tenant that disagree are all invalid, identical ones count once', async () => {
    const run = await collect([]);
    expect(run.code).toBe(0);
    const summary: RunSummary = JSON.parse(run.stdout);
    expect(summary.tenants.map((t) => t.tenantId)).toEqual([OWN, SHARED_A, SHARED_B, TWICE]);
    const conflicts = summary.invalidRecords.filter((r) =>
      r.reason.startsWith(`tenant_id ${CONFLICT} is in 2 items whose role_name differ`),
    );
    expect(conflicts.map((r) => r.key).sort()).toEqual(['pk=tenant#conflict-1', 'pk=tenant#conflict-2']);
    expect(summary.invalidRecords).toHaveLength(2);
    expect(run.stderr).toContain(`Tenant ${TWICE} appears more than once in the table; it is collected once.`);
  });

  it('check warns that tenants have no ExternalId or share one, and names the tenants only', async () => {
    const none = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--json'], { endpoint: proxy.endpoint });
    const shared = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--external-id', RUN_WIDE], {
      endpoint: proxy.endpoint,
    });
    expect(none.code).toBe(0);
    const results: { check: string; status: string; detail: string }[] = JSON.parse(none.stdout).results;
    expect(results.find((r) => r.check === 'ExternalId set')).toMatchObject({
      status: 'WARN',
      detail: `3 of 4 tenant(s) have no ExternalId: ${SHARED_A}, ${SHARED_B}, ${TWICE}`,
    });
    expect(shared.code).toBe(0);
    expect(shared.stdout).toMatch(/ExternalId unique\s+WARN\s+109000000002, 109000000003, 109000000005 share the run-wide ExternalId/);
    expect(shared.stdout).toContain('confused deputy');
    expect(shared.stdout + shared.stderr + none.stdout + none.stderr).not.toMatch(/policy-own-ext-01|policy-run-wide-ext-99/);
  });

  it('check --require-external-id fails those tenants without assuming their roles', async () => {
    proxy.resetStats();
    const run = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--require-external-id'], {
      endpoint: proxy.endpoint,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`${SHARED_A}\\s+assume role\\s+FAIL\\s+ExternalIdMissing`));
    expect(proxy.stats().assumeRoleByAccount).toEqual({ [OWN]: 1 });
  });
});
