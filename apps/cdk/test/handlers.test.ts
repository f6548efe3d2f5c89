import type { RunSummary } from '@orgmeta/core';
import {
  S3Objects,
  createBucket,
  emulatorEnvironment,
  motoEndpoint,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { handler } from '../src/handlers/collect-all';
import { collectOneTenant, listTenants, writeRunManifest } from '../src/handlers/fanout';
import { resetLambdaRuntime } from '../src/handlers/runtime';

const TABLE = 'lambda-tenants';
const BUCKET = 'lambda-reports';
const GOOD = '106000000001';
const ALSO_GOOD = '106000000002';
const NO_ORG = '106000000003';

/** The Lambda's environment: the same variables as the CLI, pointed at moto. */
function useEnvironment(extra: Record<string, string>): void {
  Object.assign(
    process.env,
    emulatorEnvironment(motoEndpoint()),
    { TENANTS_TABLE_NAME: TABLE, CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: BUCKET },
    extra,
  );
  resetLambdaRuntime();
}

describe('Lambda handlers against moto', () => {
  const s3 = () => new S3Objects(motoEndpoint());
  const today = () => new Date().toISOString().slice(0, 10);
  let stdout: jest.SpyInstance;

  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), {
      managementAccountId: GOOD,
      accounts: [{ name: 'good-member', email: 'g@example.com', tags: [{ key: 'Owner', value: 'ops' }] }],
    });
    await seedOrganization(motoEndpoint(), { managementAccountId: ALSO_GOOD, accounts: [] });
    await seedTenantTable(motoEndpoint(), TABLE, [
      tenantItem(GOOD, { externalId: 'lambda-external-id' }),
      tenantItem(ALSO_GOOD),
      tenantItem(NO_ORG),
    ]);
    await createBucket(motoEndpoint(), BUCKET);
  });
  // Handlers log JSON lines to stdout; keep them for assertions, out of the test output.
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => stdout.mockRestore());

  const logLines = () => stdout.mock.calls.map(([line]) => String(line));

  it('single mode: writes every report and the manifest, then fails the invocation because a tenant failed', async () => {
    useEnvironment({ REPORT_PREFIX: 'single/' });
    const failure = handler();
    await expect(failure).rejects.toMatchObject({ name: 'RunFailedError' });
    await expect(failure).rejects.toThrow('1 tenant(s) failed: 106000000003 (AWSOrganizationsNotInUseException)');
    const keys = await s3().keys(BUCKET);
    expect(keys.filter((k) => k.startsWith('single/') && k.endsWith('.csv'))).toEqual(
      [`single/dt=${today()}/tenant_id=${GOOD}/accounts.csv`, `single/dt=${today()}/tenant_id=${ALSO_GOOD}/accounts.csv`].sort(),
    );
    const manifestKey = keys.find((k) => k.startsWith(`single/dt=${today()}/_manifests/`)) ?? '';
    const manifest: RunSummary = JSON.parse(await s3().text(BUCKET, manifestKey));
    // A first snapshot: changes are detected (none yet), so totals.changes is 0.
    expect(manifest.totals).toEqual({ tenants: 3, succeeded: 2, failed: 1, accounts: 3, changes: 0 });
    // The Lambda wires the same Part 2 outputs as the CLI: Parquet, the pointer, the run report.
    expect(keys.filter((k) => k.startsWith('single/') && !k.endsWith('.csv') && !k.includes('_manifests/'))).toEqual(
      [
        `single/_latest/tenant_id=${ALSO_GOOD}.json`,
        `single/_latest/tenant_id=${GOOD}.json`,
        `single/dt=${today()}/_reports/${manifest.runId}.html`,
        `single/dt=${today()}/tenant_id=${ALSO_GOOD}/accounts.parquet`,
        `single/dt=${today()}/tenant_id=${GOOD}/accounts.parquet`,
      ].sort(),
    );
    for (const line of logLines()) expect(() => JSON.parse(line)).not.toThrow();
    expect(logLines().join('')).not.toContain('lambda-external-id');
  });

  it('single mode: succeeds when every tenant succeeds', async () => {
    await seedTenantTable(motoEndpoint(), 'lambda-ok-tenants', [tenantItem(GOOD), tenantItem(ALSO_GOOD)]);
    useEnvironment({ REPORT_PREFIX: 'single-ok/', TENANTS_TABLE_NAME: 'lambda-ok-tenants' });
    await expect(handler()).resolves.toMatchObject({ tenants: 2, succeeded: 2, failed: 0, accounts: 3 });
  });

  it('fan-out: list -> collect each -> manifest, with no ExternalId in the state', async () => {
    useEnvironment({ REPORT_PREFIX: 'fanout/', TENANTS_TABLE_NAME: TABLE });
    const run = await listTenants();
    expect(run.tenants).toEqual([
      { tenantId: GOOD, tenantName: '' },
      { tenantId: ALSO_GOOD, tenantName: '' },
      { tenantId: NO_ORG, tenantName: '' },
    ]);
    expect(JSON.stringify(run)).not.toContain('lambda-external-id');
    const results = [];
    for (const tenant of run.tenants) results.push(await collectOneTenant({ runId: run.runId, startedAt: run.startedAt, tenant }));
    expect(results.map((r) => [r.tenantId, r.status, r.error?.code])).toEqual([
      [GOOD, 'succeeded', undefined],
      [ALSO_GOOD, 'succeeded', undefined],
      [NO_ORG, 'failed', 'AWSOrganizationsNotInUseException'],
    ]);
    const rows = parse(await s3().text(BUCKET, `fanout/dt=${run.startedAt.slice(0, 10)}/tenant_id=${GOOD}/accounts.csv`), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((r) => r.account_name).sort()).toEqual(['good-member', 'master']);
    await expect(writeRunManifest({ ...run, results })).rejects.toThrow(`Run ${run.runId}: 1 of 3 tenant(s) failed`);
    const manifest: RunSummary = JSON.parse(
      await s3().text(BUCKET, `fanout/dt=${run.startedAt.slice(0, 10)}/_manifests/${run.runId}.json`),
    );
    expect(manifest.tenants.map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'failed']);
  });

  it('fan-out: a tenant that stays throttled is thrown back to Step Functions to retry later', async () => {
    // The fault proxy answers every DescribeOrganization with TooManyRequestsException.
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [
        { when: (c) => c.operation === 'DescribeOrganization', respond: { kind: 'error', status: 400, code: 'TooManyRequestsException' } },
      ],
    });
    try {
      useEnvironment({ REPORT_PREFIX: 'throttled/', TENANTS_TABLE_NAME: TABLE, AWS_MAX_ATTEMPTS: '1' });
      process.env.AWS_ENDPOINT_URL = proxy.endpoint;
      resetLambdaRuntime();
      await expect(
        collectOneTenant({ runId: 'r1', startedAt: new Date().toISOString(), tenant: { tenantId: GOOD, tenantName: '' } }),
      ).rejects.toMatchObject({ name: 'TenantThrottledError' });
    } finally {
      await proxy.stop();
      delete process.env.AWS_MAX_ATTEMPTS;
    }
  });
});
