import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import {
  createBucket,
  emulatorEnvironment,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type FaultProxyOptions,
  type FaultProxy,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { ORGMETA_BIN, filesUnder, getText, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'resilience-e2e-tenants';
const BUCKET = 'resilience-e2e-reports';
const WIDE = '103000000001'; // 49 members + management = 50 accounts: 3 ListAccounts pages of 20
const SMALL = '103000000002';
const DENIED = '103000000003';
const TAGGED = '103000000004';
const ROLE = 'OrgMetaReader';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function key(prefix: string, tenantId: string): string {
  return `${prefix}/dt=${today()}/tenant_id=${tenantId}/accounts.csv`;
}

async function withProxy<T>(options: Omit<FaultProxyOptions, 'target'>, run: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy({ target: motoEndpoint(), ...options });
  try {
    return await run(proxy);
  } finally {
    await proxy.stop();
  }
}

function collect(proxy: FaultProxy, prefix: string, extra: string[], cwd?: string) {
  return orgmeta(['collect', '--table', TABLE, '--role-name', ROLE, '--bucket', BUCKET, '--prefix', prefix, '--json', ...extra], {
    endpoint: proxy.endpoint,
    cwd,
  });
}

describe('orgmeta under throttling, faults and interruptions (end to end, moto + fault proxy)', () => {
  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, {
      managementAccountId: WIDE,
      accounts: Array.from({ length: 49 }, (_, i) => ({ name: `wide-${i}`, email: `wide${i}@example.com` })),
    });
    await seedOrganization(endpoint, { managementAccountId: SMALL, accounts: [{ name: 'small-1', email: 'small1@example.com' }] });
    await seedOrganization(endpoint, { managementAccountId: DENIED, accounts: [] });
    await seedOrganization(endpoint, {
      managementAccountId: TAGGED,
      accounts: Array.from({ length: 24 }, (_, i) => ({
        name: `tagged-${i}`,
        email: `t${i}@example.com`,
        tags: [{ key: 'Index', value: String(i) }],
      })),
    });
    await seedTenantTable(endpoint, TABLE, [tenantItem(WIDE), tenantItem(SMALL), tenantItem(DENIED), tenantItem(TAGGED)]);
    await createBucket(endpoint, BUCKET);
  });

  it('rides out a throttling storm on ListTagsForResource and still writes the complete report', async () => {
    await withProxy({ rateLimits: [{ operation: 'ListTagsForResource', tps: 10, burst: 2 }] }, async (proxy) => {
      const run = await collect(proxy, 'storm', ['--tenant', TAGGED, '--account-concurrency', '8', '--max-attempts', '12']);
      expect(run.code).toBe(0);
      expect(proxy.stats().throttled.ListTagsForResource).toBeGreaterThan(0);
      const rows: Record<string, string>[] = parse(await getText(BUCKET, key('storm', TAGGED)), { columns: true });
      expect(rows).toHaveLength(25);
      expect(
        rows
          .filter((r) => r['tag:Index'] !== '')
          .map((r) => Number(r['tag:Index']))
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 24 }, (_, i) => i));
    });
  });

  it('fails a tenant whose throttling outlasts --max-attempts, with the code and a hint, and writes no report', async () => {
    await withProxy({ rateLimits: [{ operation: 'ListTagsForResource', tps: 0.01, burst: 1 }] }, async (proxy) => {
      const run = await collect(proxy, 'exhausted', ['--tenant', TAGGED, '--max-attempts', '2']);
      expect(run.code).toBe(2);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.tenants[0].error).toMatchObject({ code: 'TooManyRequestsException' });
      expect(summary.tenants[0].error?.hint).toContain('--max-attempts');
      expect((await listKeys(BUCKET)).filter((k) => k.startsWith('exhausted/') && k.endsWith('.csv'))).toEqual([]);
    });
  });

  it('fails a revoked role at once and collects the other tenants', async () => {
    const deniedRole = `arn:aws:iam::${DENIED}:role/${ROLE}`;
    const rules = [
      {
        when: (c: { operation: string; roleArn?: string }) => c.operation === 'AssumeRole' && c.roleArn === deniedRole,
        respond: { kind: 'error' as const, status: 403, code: 'AccessDenied' },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const run = await collect(proxy, 'denied', ['--tenant', DENIED, '--tenant', SMALL]);
      expect(run.code).toBe(2);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
        [SMALL, 'succeeded', undefined],
        [DENIED, 'failed', 'AccessDenied'],
      ]);
      expect(summary.tenants[1].error?.hint).toContain(`Make sure ${deniedRole} exists, that its trust policy allows`);
      // Not retryable: exactly one attempt.
      expect(proxy.stats().injected).toBe(1);
    });
  });

  it('leaves no report anywhere when a tenant fails on page 3 of ListAccounts', async () => {
    const rules = [
      {
        when: (c: { operation: string; account?: string; nth: number }) =>
          c.operation === 'ListAccounts' && c.account === WIDE && c.nth === 3,
        respond: { kind: 'error' as const, status: 400, code: 'AccessDeniedException' },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const dir = workDir();
      const run = await collect(proxy, 'page3', ['--tenant', WIDE, '--tenant', SMALL, '--save-local', '--out-dir', 'out'], dir);
      expect(run.code).toBe(2);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.tenants.find((t) => t.tenantId === WIDE)).toMatchObject({
        status: 'failed',
        accounts: 0,
        error: { code: 'AccessDeniedException' },
      });
      const s3Keys = await listKeys(BUCKET);
      // Nothing of the failed tenant anywhere (no report, no Parquet, no pointer moved); the other tenant's report is there.
      expect(s3Keys.filter((k) => k.startsWith('page3/') && k.includes(`tenant_id=${WIDE}`))).toEqual([]);
      expect(s3Keys).toContain(key('page3', SMALL));
      const localFiles = filesUnder(join(dir, 'out'));
      expect(localFiles.filter((f) => f.includes(`tenant_id=${WIDE}`))).toEqual([]);
      expect(localFiles).toContain(key('page3', SMALL));
      const manifest: RunSummary = JSON.parse(await getText(BUCKET, `page3/dt=${today()}/_manifests/${summary.runId}.json`));
      expect(manifest.tenants.find((t) => t.tenantId === WIDE)?.status).toBe('failed');
    });
  });

  it('retries S3 5xx answers and a dropped connection, then succeeds', async () => {
    const rules = [
      {
        when: (c: { operation: string }) => c.operation === 'PutObject',
        respond: { kind: 'error' as const, status: 503, code: 'SlowDown' },
        times: 2,
      },
      {
        when: (c: { operation: string }) => c.operation === 'PutObject',
        respond: { kind: 'error' as const, status: 500, code: 'InternalError' },
        times: 1,
      },
      { when: (c: { operation: string }) => c.operation === 'ListAccounts', respond: { kind: 'drop' as const }, times: 1 },
    ];
    await withProxy({ rules }, async (proxy) => {
      const run = await collect(proxy, 'flaky', ['--tenant', SMALL]);
      expect(run.code).toBe(0);
      expect(proxy.stats().injected).toBe(4);
      expect(await listKeys(BUCKET)).toContain(key('flaky', SMALL));
    });
  });

  it('keeps the local copy and fails the tenant with the S3 error when the upload keeps failing', async () => {
    const rules = [
      {
        // Report uploads only: the run lock (JSON) is taken as usual.
        when: (c: { operation: string; headers: Record<string, unknown> }) =>
          c.operation === 'PutObject' && String(c.headers['content-type']).startsWith('text/csv'),
        respond: { kind: 'error' as const, status: 500, code: 'InternalError' },
      },
    ];
    await withProxy({ rules }, async (proxy) => {
      const dir = workDir();
      const run = await collect(proxy, 's3down', ['--tenant', SMALL, '--save-local', '--out-dir', 'out', '--max-attempts', '2'], dir);
      expect(run.code).toBe(2);
      const summary: RunSummary = JSON.parse(run.stdout);
      expect(summary.tenants[0]).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });
      expect(summary.tenants[0].error?.message).toMatch(/^S3Upload failed/);
      expect(filesUnder(join(dir, 'out'))).toContain(key('s3down', SMALL));
    });
  });

  it('refreshes assumed-role credentials before they expire, so a long tenant completes', async () => {
    // Credentials are refused 1.5 s after issue, and advertised to expire just past the SDK's
    // 5-minute refresh window: only a collector that refreshes them finishes this ~3 s tenant.
    await withProxy({ latencyMs: 60, shortLivedCredentials: { advertisedLifetimeSeconds: 301, validForMs: 1500 } }, async (proxy) => {
      const run = await collect(proxy, 'refresh', ['--tenant', WIDE, '--account-concurrency', '1', '--session-duration', '900']);
      expect(run.code).toBe(0);
      expect(proxy.stats().assumeRoleByAccount[WIDE]).toBeGreaterThanOrEqual(2);
      expect(parse(await getText(BUCKET, key('refresh', WIDE)), { columns: true })).toHaveLength(50);
    });
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('stops cleanly on %s: exit %i, a summary of what finished, no temp files', async (signal, exitCode) => {
    await withProxy({ latencyMs: 150 }, async (proxy) => {
      const dir = workDir();
      const child = spawn(
        ORGMETA_BIN,
        [
          'collect',
          '--table',
          TABLE,
          '--role-name',
          ROLE,
          '--bucket',
          BUCKET,
          '--prefix',
          signal,
          '--save-local',
          '--out-dir',
          'out',
          '--tenant-concurrency',
          '1',
          '--json',
          '--tenant',
          SMALL,
          '--tenant',
          WIDE,
          '--tenant',
          TAGGED,
        ],
        { cwd: dir, env: { PATH: process.env.PATH ?? '', ...emulatorEnvironment(proxy.endpoint) } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      // Signal once the first tenant is done, while the next one is in flight.
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('account(s) collected') && !child.killed) child.kill(signal);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(exitCode);
      const summary: RunSummary = JSON.parse(stdout);
      // Tenants run in ID order: the first finished, the second was in flight, the third never started.
      expect(summary.tenants.map((t) => [t.tenantId, t.status])).toEqual([
        [WIDE, 'succeeded'],
        [SMALL, 'failed'],
        [TAGGED, 'failed'],
      ]);
      expect(summary.tenants.filter((t) => t.status === 'failed').every((t) => t.error?.code === 'InterruptedError')).toBe(true);
      const files = filesUnder(join(dir, 'out'));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(files.filter((f) => f.endsWith('accounts.csv'))).toEqual([key(signal, WIDE)]);
      expect((await listKeys(BUCKET)).filter((k) => k.startsWith(`${signal}/`) && k.endsWith('.csv'))).toEqual([key(signal, WIDE)]);
      expect(files.filter((f) => f.includes('_manifests/'))).toEqual([`${signal}/dt=${today()}/_manifests/${summary.runId}.json`]);
    });
  });
});
