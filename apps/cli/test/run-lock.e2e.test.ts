import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunSummary } from '@orgmeta/core';
import {
  S3Objects,
  clientOptions,
  createBucket,
  emulatorEnvironment,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type FaultProxy,
  type FaultProxyOptions,
} from '@orgmeta/test-support';
import { ORGMETA_BIN, filesUnder, getText, head, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'run-lock-e2e-tenants';
const BUCKET = 'run-lock-e2e-reports';
const VERSIONED = 'run-lock-e2e-versioned';
const FIRST = '113000000001';
const SECOND = '113000000002';
const ROLE = 'OrgMetaReader';
const EX_TEMPFAIL = 75;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function reportKey(prefix: string, tenantId: string): string {
  return `${prefix}/dt=${today()}/tenant_id=${tenantId}/accounts.csv`;
}

function lockKey(prefix: string): string {
  return `${prefix}/_lock/run.json`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function collectArgs(prefix: string, extra: string[] = [], bucket = BUCKET): string[] {
  return ['collect', '--table', TABLE, '--role-name', ROLE, '--bucket', bucket, '--prefix', prefix, '--json', ...extra];
}

async function withProxy<T>(options: Omit<FaultProxyOptions, 'target'>, run: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy({ target: motoEndpoint(), ...options });
  try {
    return await run(proxy);
  } finally {
    await proxy.stop();
  }
}

/** Starts the CLI in the background; `stderr` grows as it runs. */
function startOrgmeta(args: string[], endpoint: string, cwd = workDir()) {
  const child = spawn(ORGMETA_BIN, args, { cwd, env: { PATH: process.env.PATH ?? '', ...emulatorEnvironment(endpoint) } });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output, exited };
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A lock another run left in the bucket. */
async function plantLock(bucket: string, key: string, lock: { runId: string; startedAt: string; expiresAt: string; holder: string }) {
  const s3 = new S3Client(clientOptions(motoEndpoint()));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(lock), ContentType: 'application/json' }));
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3600_000).toISOString();

describe('one run at a time per report prefix (end to end, moto + fault proxy)', () => {
  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, {
      managementAccountId: FIRST,
      accounts: Array.from({ length: 5 }, (_, i) => ({
        name: `first-${i}`,
        email: `first${i}@example.com`,
        tags: [{ key: 'Owner', value: `o${i}` }],
      })),
    });
    await seedOrganization(endpoint, { managementAccountId: SECOND, accounts: [{ name: 'second-1', email: 'second1@example.com' }] });
    await seedTenantTable(endpoint, TABLE, [tenantItem(FIRST), tenantItem(SECOND)]);
    await createBucket(endpoint, BUCKET);
    await createBucket(endpoint, VERSIONED);
    await new S3Objects(endpoint).enableVersioning(VERSIONED);
  });

  it("refuses a second run on the same prefix while the first runs: exit 75 naming the first's run, the first's reports untouched", async () => {
    await withProxy({ latencyMs: 120 }, async (proxy) => {
      // Prepare: a slow first run (every call through a 120 ms proxy), holding the lock.
      const first = startOrgmeta(collectArgs('overlap'), proxy.endpoint);
      await until(async () => (await listKeys(BUCKET)).includes(lockKey('overlap')), 'the first run to take its lock');
      const holder = JSON.parse(await getText(BUCKET, lockKey('overlap'))) as {
        runId: string;
        startedAt: string;
        expiresAt: string;
        holder: string;
      };
      // Act
      const second = await orgmeta(collectArgs('overlap'));
      const firstCode = await first.exited;
      // Assess
      expect(second.code).toBe(EX_TEMPFAIL);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain(`run ${holder.runId} (cli `);
      expect(second.stderr).toContain(`started ${holder.startedAt}, lock expires ${holder.expiresAt}`);
      expect(second.stderr).toContain('--force');
      expect(holder.holder).toMatch(/^cli .+ pid \d+$/);
      expect(firstCode).toBe(0);
      const summary: RunSummary = JSON.parse(first.output.stdout);
      expect(summary.runId).toBe(holder.runId);
      const keys = (await listKeys(BUCKET)).filter((k) => k.startsWith('overlap/'));
      // Only the first run's objects (the lock released): pointers, manifest, HTML report, snapshots, SQL table manifests.
      expect(keys).toEqual([
        `overlap/_latest/tenant_id=${FIRST}.json`,
        `overlap/_latest/tenant_id=${SECOND}.json`,
        `overlap/dt=${today()}/_manifests/${summary.runId}.json`,
        `overlap/dt=${today()}/_reports/${summary.runId}.html`,
        reportKey('overlap', FIRST),
        reportKey('overlap', FIRST).replace(/\.csv$/, '.parquet'),
        reportKey('overlap', SECOND),
        reportKey('overlap', SECOND).replace(/\.csv$/, '.parquet'),
        `overlap/tables/accounts/dt=${today()}/${FIRST}.txt`,
        `overlap/tables/accounts/dt=${today()}/${SECOND}.txt`,
      ]);
      for (const tenant of summary.tenants) {
        expect((await head(BUCKET, tenant.s3Key ?? '')).Metadata?.['run-id']).toBe(summary.runId);
        expect(sha256(await getText(BUCKET, tenant.s3Key ?? ''))).toBe(tenant.sha256);
      }
    });
  });

  it('takes over a lock that has expired (a crashed run) and releases it at the end', async () => {
    await plantLock(BUCKET, lockKey('stale'), {
      runId: 'crashed-run',
      startedAt: anHourAgo(),
      expiresAt: anHourAgo(),
      holder: 'cli gone pid 1',
    });
    const run = await orgmeta(collectArgs('stale', ['--tenant', SECOND]));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Taking over the run lock s3://${BUCKET}/${lockKey('stale')} (expired at`);
    expect(await listKeys(BUCKET)).not.toContain(lockKey('stale'));
  });

  it('takes a live lock with --force, and only then', async () => {
    await plantLock(BUCKET, lockKey('forced'), {
      runId: 'stuck-run',
      startedAt: anHourAgo(),
      expiresAt: inAnHour(),
      holder: 'cli stuck pid 2',
    });
    const refused = await orgmeta(collectArgs('forced', ['--tenant', SECOND]));
    expect(refused.code).toBe(EX_TEMPFAIL);
    expect(refused.stderr).toContain('run stuck-run (cli stuck pid 2)');
    expect((await listKeys(BUCKET)).filter((k) => k.startsWith('forced/dt='))).toEqual([]);
    const forced = await orgmeta(collectArgs('forced', ['--tenant', SECOND, '--force']));
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('held by run stuck-run, taken with force');
    expect(await listKeys(BUCKET)).toContain(reportKey('forced', SECOND));
    expect(await listKeys(BUCKET)).not.toContain(lockKey('forced'));
  });

  it('releases the lock after SIGINT', async () => {
    await withProxy({ latencyMs: 120 }, async (proxy) => {
      const run = startOrgmeta(collectArgs('interrupted', ['--tenant-concurrency', '1']), proxy.endpoint);
      await until(() => run.output.stderr.includes('account(s) collected'), 'the first tenant to finish');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      const summary: RunSummary = JSON.parse(run.output.stdout);
      expect(summary.tenants.some((t) => t.error?.code === 'InterruptedError')).toBe(true);
      expect(await listKeys(BUCKET)).not.toContain(lockKey('interrupted'));
      // The next run is not blocked.
      expect((await orgmeta(collectArgs('interrupted', ['--tenant', SECOND]))).code).toBe(0);
    });
  });

  it('locks --no-upload runs in the output directory the same way', async () => {
    const dir = workDir();
    mkdirSync(join(dir, 'out', 'local', '_lock'), { recursive: true });
    const lockFile = join(dir, 'out', 'local', '_lock', 'run.json');
    writeFileSync(
      lockFile,
      JSON.stringify({ runId: 'local-run', startedAt: anHourAgo(), expiresAt: inAnHour(), holder: 'cli here pid 3' }),
    );
    const args = [
      'collect',
      '--table',
      TABLE,
      '--role-name',
      ROLE,
      '--no-upload',
      '--out-dir',
      'out',
      '--prefix',
      'local',
      '--tenant',
      SECOND,
    ];
    const refused = await orgmeta(args, { cwd: dir });
    expect(refused.code).toBe(EX_TEMPFAIL);
    expect(refused.stderr).toContain(`run local-run (cli here pid 3)`);
    expect(refused.stderr).toContain(lockFile);
    expect(filesUnder(join(dir, 'out')).filter((f) => f.endsWith('.csv'))).toEqual([]);
    const forced = await orgmeta([...args, '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    expect(filesUnder(join(dir, 'out'))).toContain(reportKey('local', SECOND));
  });

  it("pins each report by VersionId in a versioned bucket: a second run the same day leaves the first manifest's objects readable", async () => {
    // Act: two runs the same day on the same prefix, with different flags.
    const first = await orgmeta(collectArgs('pinned', [], VERSIONED));
    const second = await orgmeta(collectArgs('pinned', ['--tag-keys', 'Owner,CostCenter'], VERSIONED));
    // Assess
    expect([first.code, second.code]).toEqual([0, 0]);
    const firstSummary: RunSummary = JSON.parse(first.stdout);
    const secondSummary: RunSummary = JSON.parse(second.stdout);
    const firstManifest: RunSummary = JSON.parse(await getText(VERSIONED, `pinned/dt=${today()}/_manifests/${firstSummary.runId}.json`));
    for (const tenant of firstManifest.tenants) {
      const again = secondSummary.tenants.find((t) => t.tenantId === tenant.tenantId);
      expect(tenant.s3VersionId).toEqual(expect.any(String));
      expect(again?.s3VersionId).toEqual(expect.any(String));
      expect(again?.s3VersionId).not.toBe(tenant.s3VersionId);
      expect(again?.sha256).not.toBe(tenant.sha256);
      const pinned = await new S3Objects(motoEndpoint()).text(VERSIONED, tenant.s3Key ?? '', tenant.s3VersionId);
      expect(sha256(pinned)).toBe(tenant.sha256);
    }
  });

  it('records a report as written when the proxy drops the answer after S3 stored it', async () => {
    const rules = [
      {
        when: (c: { operation: string; headers: Record<string, unknown> }) =>
          c.operation === 'PutObject' && String(c.headers['content-type']).startsWith('text/csv'),
        respond: { kind: 'drop-after-forward' as const },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const run = await orgmeta(collectArgs('dropped', ['--tenant', SECOND, '--max-attempts', '1'], VERSIONED), {
        endpoint: proxy.endpoint,
      });
      expect(run.code).toBe(0);
      expect(proxy.stats().injected).toBe(1);
      const summary: RunSummary = JSON.parse(run.stdout);
      const manifest: RunSummary = JSON.parse(await getText(VERSIONED, `dropped/dt=${today()}/_manifests/${summary.runId}.json`));
      expect(manifest.tenants[0]).toMatchObject({
        status: 'succeeded',
        s3Key: reportKey('dropped', SECOND),
        s3VersionId: expect.any(String),
      });
      expect(sha256(await getText(VERSIONED, reportKey('dropped', SECOND)))).toBe(manifest.tenants[0].sha256);
    });
  });

  it('records s3Written: false when a failed upload left nothing at the key', async () => {
    const rules = [
      {
        when: (c: { operation: string; headers: Record<string, unknown> }) =>
          c.operation === 'PutObject' && String(c.headers['content-type']).startsWith('text/csv'),
        respond: { kind: 'error' as const, status: 500, code: 'InternalError' },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const run = await orgmeta(collectArgs('refused', ['--tenant', SECOND, '--max-attempts', '1']), { endpoint: proxy.endpoint });
      expect(run.code).toBe(2);
      const summary: RunSummary = JSON.parse(run.stdout);
      const manifest: RunSummary = JSON.parse(await getText(BUCKET, `refused/dt=${today()}/_manifests/${summary.runId}.json`));
      expect(manifest.tenants[0]).toMatchObject({
        status: 'failed',
        s3Key: reportKey('refused', SECOND),
        s3Written: false,
        error: { code: 'InternalError' },
      });
      expect(await listKeys(BUCKET)).not.toContain(reportKey('refused', SECOND));
    });
  });
});
