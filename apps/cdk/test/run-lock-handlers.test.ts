import type { RunSummary } from '@orgmeta/core';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  S3Objects,
  clientOptions,
  createBucket,
  emulatorEnvironment,
  motoEndpoint,
  seedOrganization,
  seedTenantTable,
  tenantItem,
} from '@orgmeta/test-support';
import { handler } from '../src/handlers/collect-all';
import { resetLambdaComposition } from '../src/handlers/composition';
import { listTenants, writeRunManifest } from '../src/handlers/fanout';
import { isolateHandlerEnvironment } from './support/handler-environment';
import { collectRecord } from './support/local-fanout';
import { runDistributedMap } from './support/distributed-map';

const TABLE = 'lambda-lock-tenants';
const BUCKET = 'lambda-lock-reports';
const TENANT = '114000000001';
const FIFTEEN_MINUTES = 15 * 60_000;

/** The parts of Lambda's context the handlers use. */
const lambdaContext = (awsRequestId: string) => ({
  getRemainingTimeInMillis: () => FIFTEEN_MINUTES,
  awsRequestId,
  functionName: 'orgmeta-collector',
});

function useEnvironment(prefix: string): void {
  Object.assign(process.env, emulatorEnvironment(motoEndpoint()), {
    TENANTS_TABLE_NAME: TABLE,
    CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader',
    REPORT_BUCKET_NAME: BUCKET,
    REPORT_PREFIX: prefix,
  });
  resetLambdaComposition();
}

const lockKey = (prefix: string) => `${prefix}_lock/run.json`;
const objects = () => new S3Objects(motoEndpoint());

async function plantLiveLock(prefix: string, runId: string): Promise<{ startedAt: string; expiresAt: string }> {
  const lock = {
    runId,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    holder: 'cli laptop pid 4242',
  };
  await new S3Client(clientOptions(motoEndpoint())).send(
    new PutObjectCommand({ Bucket: BUCKET, Key: lockKey(prefix), Body: JSON.stringify(lock) }),
  );
  return lock;
}

describe('Lambda handlers and the run lock (moto)', () => {
  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), { managementAccountId: TENANT, accounts: [{ name: 'm1', email: 'm1@example.com' }] });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT)]);
    await createBucket(motoEndpoint(), BUCKET);
  });
  isolateHandlerEnvironment();

  it('single mode: takes the lock for the run and releases it', async () => {
    useEnvironment('single-free/');
    const totals = await handler({}, lambdaContext('req-single-1'));
    expect(totals).toMatchObject({ succeeded: 1, failed: 0 });
    const keys = await objects().keys(BUCKET);
    const day = new Date().toISOString().slice(0, 10);
    // The lock is gone; the run's objects stay: the snapshot pointer, the manifest, the HTML report, the tenant's snapshot
    // and its SQL table manifest.
    expect(keys.filter((k) => k.startsWith('single-free/'))).toEqual([
      `single-free/_latest/tenant_id=${TENANT}.json`,
      `single-free/dt=${day}/_manifests/${totals.runId}.json`,
      `single-free/dt=${day}/_reports/${totals.runId}.html`,
      `single-free/dt=${day}/tenant_id=${TENANT}/accounts.csv`,
      `single-free/dt=${day}/tenant_id=${TENANT}/accounts.parquet`,
      `single-free/tables/accounts/dt=${day}/${TENANT}.txt`,
    ]);
  });

  it('single mode: fails the invocation naming the run that holds the lock, and writes nothing', async () => {
    useEnvironment('single-held/');
    const lock = await plantLiveLock('single-held/', 'cli-run-1');
    const invocation = handler({}, lambdaContext('req-single-2'));
    await expect(invocation).rejects.toMatchObject({ name: 'RunLockHeldError' });
    await expect(invocation).rejects.toThrow(
      `run cli-run-1 (cli laptop pid 4242), started ${lock.startedAt}, lock expires ${lock.expiresAt} (s3://${BUCKET}/single-held/_lock/run.json)`,
    );
    await expect(invocation).rejects.toMatchObject({ hint: expect.stringContaining('delete s3://') });
    expect((await objects().keys(BUCKET)).filter((k) => k.startsWith('single-held/'))).toEqual([lockKey('single-held/')]);
  });

  it('fan-out: the plan step takes the lock as this invocation, a second plan is refused, the summarize step releases it', async () => {
    useEnvironment('fanout-lock/');
    const run = await listTenants({}, lambdaContext('req-plan-1'));
    expect(JSON.parse(await objects().text(BUCKET, lockKey('fanout-lock/')))).toMatchObject({
      runId: run.runId,
      holder: 'lambda orgmeta-collector request req-plan-1',
    });
    await expect(listTenants({}, lambdaContext('req-plan-2'))).rejects.toMatchObject({
      name: 'RunLockHeldError',
      holder: expect.objectContaining({ runId: run.runId }),
    });
    const map = await runDistributedMap(run, async (input) => ({ status: 'SUCCEEDED', output: await collectRecord(input) }));
    await expect(
      writeRunManifest({ runId: run.runId, startedAt: run.startedAt, resultWriterDetails: map.ResultWriterDetails }),
    ).resolves.toEqual({ runId: run.runId, failed: 0 });
    expect(await objects().keys(BUCKET)).not.toContain(lockKey('fanout-lock/'));
  });

  it('fan-out: the summarize step releases the lock even when the run failed', async () => {
    useEnvironment('fanout-failed/');
    const run = await listTenants({}, lambdaContext('req-plan-3'));
    const failed = {
      tenantId: TENANT,
      tenantName: '',
      status: 'failed' as const,
      accounts: 0,
      durationMs: 1,
      error: { code: 'X', message: 'm', hint: 'h' },
    };
    const map = await runDistributedMap(run, async () => ({ status: 'SUCCEEDED', output: failed }));
    await expect(
      writeRunManifest({ runId: run.runId, startedAt: run.startedAt, resultWriterDetails: map.ResultWriterDetails }),
    ).rejects.toMatchObject({ name: 'RunFailedError' });
    expect(await objects().keys(BUCKET)).not.toContain(lockKey('fanout-failed/'));
  });

  it('fan-out: when the Distributed Map itself fails, the manifest still lists every tenant as missing and the lock is released', async () => {
    useEnvironment('fanout-map-failed/');
    const run = await listTenants({}, lambdaContext('req-plan-5'));
    // What WriteManifestAfterMapFailure sends: the Map's error name, no result files.
    await expect(
      writeRunManifest({ runId: run.runId, startedAt: run.startedAt, mapError: 'States.ItemReaderFailed' }),
    ).rejects.toMatchObject({
      name: 'RunFailedError',
      message: expect.stringContaining('1 of 1 tenant(s) failed'),
    });
    const manifest = JSON.parse(
      await objects().text(BUCKET, `fanout-map-failed/dt=${run.startedAt.slice(0, 10)}/_manifests/${run.runId}.json`),
    ) as RunSummary;
    expect(manifest.tenants).toEqual([
      expect.objectContaining({
        tenantId: TENANT,
        status: 'failed',
        error: expect.objectContaining({
          code: 'TenantResultMissing',
          message:
            'The Distributed Map failed (States.ItemReaderFailed) before a result of this tenant was filed; its reports may be in the bucket anyway.',
        }),
      }),
    ]);
    expect(await objects().keys(BUCKET)).not.toContain(lockKey('fanout-map-failed/'));
  });

  it('fan-out: a CLI run holding the prefix stops the plan step before it reads the table', async () => {
    useEnvironment('fanout-held/');
    await plantLiveLock('fanout-held/', 'cli-run-2');
    await expect(listTenants({}, lambdaContext('req-plan-4'))).rejects.toThrow('run cli-run-2 (cli laptop pid 4242)');
    expect(JSON.parse(await objects().text(BUCKET, lockKey('fanout-held/'))).runId).toBe('cli-run-2');
  });
});
