import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const APP_DIR = join(__dirname, '..');
const CDK = join(APP_DIR, '..', '..', 'node_modules', '.bin', 'cdk');

describe('cdk synth (the real CLI, offline, with local esbuild bundling)', () => {
  it.each(['single', 'fanout'])('synthesizes both stacks in %s mode and bundles every handler under 2 MB', (mode) => {
    // Prepare: no network at all beyond loopback; the app must not need it.
    const outdir = mkdtempSync(join(tmpdir(), 'orgmeta-cdk-'));
    // Act
    const run = spawnSync(CDK, ['synth', '--quiet', '-c', `mode=${mode}`, '-o', outdir], {
      cwd: APP_DIR,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 120_000,
    });
    // Assess
    expect(run.stderr).not.toContain('ERROR');
    expect(run.status).toBe(0);
    const files = readdirSync(outdir);
    expect(files).toEqual(expect.arrayContaining(['OrgmetaCollector.template.json', 'OrgmetaTenantReaderRole.template.json']));
    const bundles = files.filter((f) => f.startsWith('asset.')).map((dir) => statSync(join(outdir, dir, 'index.js')).size);
    // One bundle per handler file: the three fan-out functions share fanout.ts.
    expect(bundles).toHaveLength(1);
    for (const size of bundles) expect(size).toBeLessThan(2 * 1024 * 1024);
    const template = JSON.parse(readFileSync(join(outdir, 'OrgmetaCollector.template.json'), 'utf8'));
    expect(Object.values(template.Resources).filter((r) => (r as { Type: string }).Type === 'AWS::Lambda::Function')).toHaveLength(
      mode === 'single' ? 1 : 3,
    );
  });
});
