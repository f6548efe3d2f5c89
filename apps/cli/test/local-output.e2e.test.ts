import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import { createBucket, seedOrganization, seedTenantTable, startFaultProxy, tenantItem, type FaultProxy } from '@orgmeta/test-support';
import { filesUnder, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'local-output-e2e-tenants';
const BUCKET = 'local-output-e2e-reports';
const TENANT = '111000000001';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('local outputs stay inside --out-dir, readable by their owner only (end to end)', () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), { managementAccountId: TENANT, accounts: [{ name: 'm', email: 'jane@example.com' }] });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT)]);
    await createBucket(motoEndpoint(), BUCKET);
    // Every AWS call of the CLI goes through this proxy, so it can tell whether one was made.
    proxy = await startFaultProxy({ target: motoEndpoint() });
  });
  afterAll(() => proxy.stop());
  beforeEach(() => proxy.resetStats());

  const callsMade = () => Object.values(proxy.stats().calls).reduce((a, b) => a + b, 0);
  const collectArgs = ['collect', '--table', TABLE, '--role-name', 'R', '--bucket', BUCKET, '--save-local', '--out-dir', 'work/out'];

  it.each([['../escape/'], ['a/../../b/'], ['..'], ['/tmp/orgmeta-absolute/']])(
    'refuses --prefix %j with exit 1 before any AWS call, and writes nothing',
    async (prefix) => {
      // Prepare
      const dir = workDir();
      // Act
      const run = await orgmeta([...collectArgs, '--prefix', prefix], { cwd: dir, endpoint: proxy.endpoint });
      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Invalid --prefix: ${JSON.stringify(prefix)} must be a relative key prefix without ".." segments`);
      expect(run.stdout).toBe('');
      expect(callsMade()).toBe(0);
      expect(filesUnder(dir)).toEqual([]);
      expect(existsSync('/tmp/orgmeta-absolute')).toBe(false);
    },
  );

  it('names REPORT_PREFIX when the escaping prefix came from the environment', async () => {
    const run = await orgmeta(collectArgs, { endpoint: proxy.endpoint, env: { REPORT_PREFIX: '../../escape/' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid REPORT_PREFIX: "../../escape/"');
    expect(callsMade()).toBe(0);
  });

  it('writes reports and the manifest with mode 0600, in directories it creates with mode 0700', async () => {
    // Prepare: the parent exists (as a user's folder would), the output directory does not.
    const dir = workDir();
    mkdirSync(join(dir, 'work'), { mode: 0o755 });
    // Act
    const run = await orgmeta([...collectArgs, '--prefix', 'modes/', '--json'], { cwd: dir });
    // Assess
    expect(run.code).toBe(0);
    const summary: RunSummary = JSON.parse(run.stdout);
    const out = join(dir, 'work', 'out');
    const files = filesUnder(out);
    expect(files.filter((f) => f.endsWith('accounts.csv'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith(`_manifests/${summary.runId}.json`))).toHaveLength(1);
    for (const file of files) expect([file, mode(join(out, file))]).toEqual([file, 0o600]);
    const dirs = new Set(
      files.flatMap((f) =>
        f
          .split('/')
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      ),
    );
    for (const sub of ['', ...dirs]) expect([sub, mode(join(out, sub))]).toEqual([sub, 0o700]);
    // The folder that was already there keeps its own mode.
    expect(mode(join(dir, 'work'))).toBe(0o755);
  });
});
