import type { RunSummary } from '@orgmeta/core';
import { createBucket, seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { getText, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'retry-failed-e2e-tenants';
const BUCKET = 'retry-failed-e2e-reports';
const HEALTHY = '130000000001';
const ROLELESS = '130000000002';
const ALSO_HEALTHY = '130000000003';
const ROLE = 'OrgMetaReader';
const RUN_ID_NOT_FOUND = '20240501T020000Z-abcdef';

function collectArgs(prefix: string, extra: string[] = []): string[] {
  return ['collect', '--table', TABLE, '--role-name', ROLE, '--bucket', BUCKET, '--prefix', prefix, '--json', ...extra];
}

function manifestKey(prefix: string, summary: RunSummary): string {
  return `${prefix}dt=${summary.startedAt.slice(0, 10)}/_manifests/${summary.runId}.json`;
}

describe('orgmeta collect --retry-failed', () => {
  // moto lets any role be assumed: the proxy answers AssumeRole into the one tenant's role as AWS
  // does while that role does not exist yet.
  let proxy: FaultProxy;
  const missingRole = `arn:aws:iam::${ROLELESS}:role/${ROLE}`;

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    for (const id of [HEALTHY, ROLELESS, ALSO_HEALTHY]) await seedOrganization(endpoint, { managementAccountId: id, accounts: [] });
    await seedTenantTable(endpoint, TABLE, [tenantItem(HEALTHY), tenantItem(ROLELESS), tenantItem(ALSO_HEALTHY)]);
    await createBucket(endpoint, BUCKET);
    proxy = await startFaultProxy({
      target: endpoint,
      rules: [
        {
          when: (c) => c.operation === 'AssumeRole' && c.roleArn === missingRole,
          respond: {
            kind: 'error',
            status: 403,
            code: 'AccessDenied',
            message: `Not authorized to perform: sts:AssumeRole on resource: ${missingRole}`,
          },
        },
      ],
    });
  });
  afterAll(() => proxy.stop());

  it('collects again only the tenant that failed, once its role exists, from the run manifest in S3', async () => {
    const prefix = 'retry-s3/';
    const first = await orgmeta(collectArgs(prefix), { endpoint: proxy.endpoint });
    expect(first.code).toBe(2);
    const failedRun = JSON.parse(first.stdout) as RunSummary;
    expect(failedRun.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      [HEALTHY, 'succeeded', undefined],
      [ROLELESS, 'failed', 'AccessDenied'],
      [ALSO_HEALTHY, 'succeeded', undefined],
    ]);

    // The role now exists (straight to moto, no proxy): only the failed tenant is collected again.
    const retry = await orgmeta(collectArgs(prefix, ['--retry-failed', failedRun.runId]));
    expect(retry.stderr).toContain(`Retrying the 1 tenant(s) that failed in run ${failedRun.runId}: ${ROLELESS}`);
    expect(retry.code).toBe(0);
    const retried = JSON.parse(retry.stdout) as RunSummary;
    expect(retried.runId).not.toBe(failedRun.runId);
    expect(retried.tenants.map((t) => [t.tenantId, t.status])).toEqual([[ROLELESS, 'succeeded']]);
    const keys = await listKeys(BUCKET);
    expect(keys).toContain(manifestKey(prefix, retried));
    expect(JSON.parse(await getText(BUCKET, manifestKey(prefix, retried))).totals).toMatchObject({ tenants: 1, succeeded: 1, failed: 0 });
  });

  it('reads a local run from the output folder with --no-upload', async () => {
    const cwd = workDir();
    const local = ['collect', '--table', TABLE, '--role-name', ROLE, '--no-upload', '--out-dir', 'out', '--json'];
    const first = await orgmeta(local, { endpoint: proxy.endpoint, cwd });
    expect(first.code).toBe(2);
    const failedRun = JSON.parse(first.stdout) as RunSummary;
    const retry = await orgmeta([...local, '--retry-failed', failedRun.runId], { cwd });
    expect(retry.code).toBe(0);
    expect((JSON.parse(retry.stdout) as RunSummary).tenants.map((t) => t.tenantId)).toEqual([ROLELESS]);
  });

  it('refuses a run ID with no manifest, naming where it looked (exit 1, nothing collected)', async () => {
    const before = await listKeys(BUCKET);
    const run = await orgmeta(collectArgs('retry-none/', ['--retry-failed', RUN_ID_NOT_FOUND]));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `orgmeta: --retry-failed: No run ${RUN_ID_NOT_FOUND}: its manifest retry-none/dt=2024-05-01/_manifests/${RUN_ID_NOT_FOUND}.json does not exist (looked in s3://${BUCKET}/)`,
    );
    expect(await listKeys(BUCKET)).toEqual(before);
  });

  it('refuses a run that had no failed tenant, and a text that is not a run ID (exit 1)', async () => {
    const prefix = 'retry-clean/';
    const clean = await orgmeta([...collectArgs(prefix), '--tenant', HEALTHY]);
    expect(clean.code).toBe(0);
    const cleanRun = JSON.parse(clean.stdout) as RunSummary;
    const nothing = await orgmeta(collectArgs(prefix, ['--retry-failed', cleanRun.runId]));
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(`orgmeta: --retry-failed: run ${cleanRun.runId} had no failed tenant`);
    expect(nothing.stderr).toContain('nothing to retry');

    const notAnId = await orgmeta(collectArgs(prefix, ['--retry-failed', 'yesterday']));
    expect(notAnId.code).toBe(1);
    expect(notAnId.stderr).toContain('"yesterday" is not a run ID (e.g. 20240501T120000Z-a1b2c3)');
  });
});
