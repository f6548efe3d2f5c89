import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutationReport, MutationTargets, scorePackage, scoresTable } from '../src/mutation-scores';

function report(files: Record<string, Record<string, number>>): MutationReport {
  return {
    files: Object.fromEntries(
      Object.entries(files).map(([file, counts]) => [
        file,
        { mutants: Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status }))) },
      ]),
    ),
  };
}

const targets: MutationTargets = {
  package: '@orgmeta/core',
  reports: ['reports/mutation/mutation.json', 'reports/mutation-config/mutation.json'],
  overall: 80,
  files: { 'src/tenants.ts': 80, 'src/config.ts': 80 },
};

describe('mutation scores against their targets', () => {
  it('counts timeouts as killed and leaves ignored, runtime and compile errors out of the score', () => {
    const scores = scorePackage(targets, [
      report({ 'src/tenants.ts': { Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1, Ignored: 5, RuntimeError: 3, CompileError: 1 } }),
      report({ 'src/config.ts': { Killed: 10 } }),
    ]);

    const tenants = scores.files.find((f) => f.file === 'src/tenants.ts');
    expect(tenants).toEqual({
      file: 'src/tenants.ts',
      killed: 8,
      survived: 1,
      noCoverage: 1,
      invalid: 9,
      score: 80,
      target: 80,
    });
    expect(scores.shortfalls).toEqual([]);
  });

  it("scores the package over every run's report together, so a focused run's file counts once", () => {
    const scores = scorePackage(targets, [
      report({ 'src/tenants.ts': { Killed: 9, Survived: 1 }, 'src/other.ts': { Killed: 1, Survived: 9 } }),
      report({ 'src/config.ts': { Killed: 20 } }),
    ]);

    expect(scores.files.map((f) => f.file)).toEqual(['src/config.ts', 'src/other.ts', 'src/tenants.ts']);
    expect(scores.overall).toMatchObject({ killed: 30, survived: 10, score: 75 });
    expect(scores.shortfalls).toEqual(['@orgmeta/core: 75.0 % over all files, under its target of 80 %']);
  });

  it('names a decision file under its target with what survived, and one no report holds', () => {
    const scores = scorePackage(targets, [
      report({ 'src/tenants.ts': { Killed: 79, Survived: 20, NoCoverage: 1 }, 'src/a.ts': { Killed: 900 } }),
    ]);

    expect(scores.shortfalls).toEqual([
      '@orgmeta/core src/tenants.ts: 79.0 % (20 survived, 1 not covered), under its target of 80 %',
      "@orgmeta/core src/config.ts: not in the reports (a run narrowed with --mutate leaves it out; run the package's whole mutation task)",
    ]);
  });

  it('refuses a decision file with no valid mutant: nothing was measured', () => {
    const scores = scorePackage(targets, [report({ 'src/tenants.ts': { Ignored: 4 }, 'src/config.ts': { Killed: 1 } })]);

    expect(scores.shortfalls).toEqual([
      '@orgmeta/core src/tenants.ts: no valid mutant (0 survived, 0 not covered), under its target of 80 %',
    ]);
  });

  it('prints each file with its target, then the package', () => {
    const table = scoresTable(
      scorePackage(targets, [report({ 'src/tenants.ts': { Killed: 3, Survived: 1 }, 'src/config.ts': { Killed: 2 } })]),
    );

    expect(table.split('\n')).toEqual([
      '@orgmeta/core',
      '| file | score | target | killed | survived | no coverage | not counted |',
      '|---|---:|---:|---:|---:|---:|---:|',
      '| src/config.ts | 100.0 % | 80 % | 2 | 0 | 0 | 0 |',
      '| src/tenants.ts | 75.0 % | 80 % | 3 | 1 | 0 | 0 |',
      '| **@orgmeta/core** | 83.3 % | 80 % | 5 | 1 | 0 | 0 |',
    ]);
  });
});

describe('`node tools/lib/mutation-scores.js` at the workspace root', () => {
  const script = join(__dirname, '..', 'lib', 'mutation-scores.js');
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'mutation-scores-'));
    mkdirSync(join(workspace, 'packages', 'core', 'reports', 'mutation'), { recursive: true });
    writeFileSync(
      join(workspace, 'packages', 'core', 'mutation-targets.json'),
      JSON.stringify({ ...targets, reports: ['reports/mutation/mutation.json'] }),
    );
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const run = () => spawnSync(process.execPath, [script], { cwd: workspace, encoding: 'utf8' });
  const writeReport = (r: MutationReport) =>
    writeFileSync(join(workspace, 'packages', 'core', 'reports', 'mutation', 'mutation.json'), JSON.stringify(r));

  it('passes and prints the table when every target is met', () => {
    writeReport(report({ 'src/tenants.ts': { Killed: 9, Survived: 1 }, 'src/config.ts': { Killed: 5 } }));

    const result = run();

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('| src/tenants.ts | 90.0 % | 80 % | 9 | 1 | 0 | 0 |');
    expect(result.stdout).toContain('Every package and decision-making file meets its mutation-score target.');
  });

  it('fails, naming the file and where the survivors are, when a decision file drops under its target', () => {
    writeReport(report({ 'src/tenants.ts': { Killed: 7, Survived: 3 }, 'src/config.ts': { Killed: 50 } }));

    const result = run();

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('@orgmeta/core src/tenants.ts: 70.0 % (3 survived, 0 not covered), under its target of 80 %');
    expect(result.stderr).toContain('reports/mutation*/mutation.html');
  });

  it('fails when a report is missing, telling the user to run the mutation task', () => {
    const result = run();

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('packages/core/reports/mutation/mutation.json: no report; run `npm run mutation` first');
    // One line for the missing report, not one per file it would have scored.
    expect(result.stderr).not.toContain('not in the reports');
    expect(result.stdout).not.toContain('| file |');
  });

  it('fails outside a workspace instead of passing on nothing', () => {
    rmSync(join(workspace, 'packages'), { recursive: true });

    const result = run();

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no mutation-targets.json found: run this from the workspace root');
  });
});
