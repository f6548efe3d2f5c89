import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orgmetaExecutable } from '../src';

const TOOLS_ROOT = join(__dirname, '..');

describe('the demo and the bench', () => {
  it("run the CLI through @orgmeta/cli's own bin, the committed launcher", () => {
    const executable = orgmetaExecutable();
    expect(executable).toBe(join(TOOLS_ROOT, '..', 'apps', 'cli', 'bin', 'orgmeta'));
    expect(() => accessSync(executable, constants.X_OK)).not.toThrow();
  });

  it('demo: collects the sample tenants from moto and lists the local reports it wrote', () => {
    // Prepare: the demo writes ./reports under the directory it is run from.
    const cwd = mkdtempSync(join(tmpdir(), 'orgmeta-demo-'));
    // Act
    const run = spawnSync(process.execPath, [join(TOOLS_ROOT, 'lib', 'demo.js')], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      timeout: 100_000,
    });
    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('$ orgmeta collect --table orgmeta-demo-tenants');
    expect(run.stdout).toMatch(/2\/2 tenant\(s\) succeeded, 0 failed, 7 account\(s\)/);
    const listed = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('  reports/'))
      .map((line) => line.trim());
    expect(listed.filter((path) => path.endsWith('/accounts.csv'))).toHaveLength(2);
    // Two runs with a change in between: two manifests and reports, and the change report.
    expect(listed.filter((path) => path.includes('/_manifests/'))).toHaveLength(2);
    expect(listed.filter((path) => path.includes('/_reports/'))).toHaveLength(2);
    expect(run.stdout).toMatch(/2\/2 tenant\(s\) succeeded, 0 failed, 8 account\(s\), 3 change\(s\)/);
    expect(run.stdout).toMatch(/acme-sandbox\s+account_added/);
    expect(run.stdout).toContain('3 change(s) in 1 tenant(s).');
    expect(run.stdout).toMatch(/^Report: file:\/\/.+\.html$/m);
    const acme = listed.find((path) => path.includes('tenant_id=111111111111') && path.endsWith('/accounts.csv')) ?? '';
    expect(readFileSync(join(cwd, acme), 'utf8')).toContain('Root/Workloads/Prod');
  });
});
