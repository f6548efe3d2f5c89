import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTIVE_MUTANT_VARIABLE, filesForMutantRun, parseTestFilesMap, testFilesMapPath } from '../src/mutation-jest/test-files';

/** Stryker's jest runner builds the pattern from the covering tests' full names this way. */
const strykerPattern = (...names: string[]) => names.map((n) => `(${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join('|');

describe('which test files a mutant run needs', () => {
  const entries = [
    { file: '/s/test/a.test.ts', names: ['config reads (a) value', 'config refuses a bad value'], mutants: ['1', '12'] },
    { file: '/s/test/b.test.ts', names: ['pipeline runs tenants'], mutants: ['2'] },
    { file: '/s/test/c.test.ts', names: [], mutants: ['1'] },
  ];

  it('keeps the files holding a covering test, matching names as jest does (escaped, case-insensitive)', () => {
    expect(filesForMutantRun(entries, strykerPattern('config reads (a) value'), '12')).toEqual(new Set(['/s/test/a.test.ts']));
    expect(filesForMutantRun(entries, strykerPattern('Pipeline runs tenants', 'config refuses a bad value'), '2')).toEqual(
      new Set(['/s/test/a.test.ts', '/s/test/b.test.ts']),
    );
  });

  it('runs a static mutant (no pattern) in every file during whose run its code ran, and no other', () => {
    expect(filesForMutantRun(entries, undefined, '1')).toEqual(new Set(['/s/test/a.test.ts', '/s/test/c.test.ts']));
    expect(filesForMutantRun(entries, '', '2')).toEqual(new Set(['/s/test/b.test.ts']));
  });

  it('narrows nothing without a map, a match or the mutants of every file, so every file runs rather than none', () => {
    expect(filesForMutantRun([], strykerPattern('pipeline runs tenants'), '2')).toBeUndefined();
    expect(filesForMutantRun(entries, strykerPattern('a test renamed since the dry run'), '2')).toBeUndefined();
    expect(filesForMutantRun(entries, undefined, '99')).toBeUndefined();
    expect(filesForMutantRun(entries, undefined, undefined)).toBeUndefined();
    expect(filesForMutantRun([...entries, { file: '/s/test/d.test.ts', names: ['d'] }], undefined, '1')).toBeUndefined();
  });

  it('reads the map one JSON line per test file, blank lines ignored', () => {
    expect(parseTestFilesMap('{"file":"/a","names":["x"]}\n\n{"file":"/b","names":[]}\n')).toEqual([
      { file: '/a', names: ['x'] },
      { file: '/b', names: [] },
    ]);
  });
});

describe('the sequencer and recorder in a real jest run', () => {
  const lib = join(__dirname, '..', 'lib', 'mutation-jest');
  const jest = require.resolve('jest/bin/jest');
  let sandbox: string;

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'mutation-jest-'));
    writeFileSync(
      join(sandbox, 'jest.config.json'),
      JSON.stringify({
        testMatch: ['<rootDir>/*.test.js'],
        transform: {},
        testSequencer: join(lib, 'sequencer.js'),
        setupFilesAfterEnv: [join(lib, 'record-tests.js')],
      }),
    );
    // Each file leaves a mark when jest loads it, so the test sees which files a run loaded.
    for (const name of ['alpha', 'beta']) {
      writeFileSync(
        join(sandbox, `${name}.test.js`),
        `require('fs').writeFileSync(__dirname + '/${name}.loaded', '');\n` +
          // What Stryker's instrumented code does when a module's top level reaches mutant 3 (alpha only).
          (name === 'alpha' ? `globalThis.__stryker__ = { mutantCoverage: { static: { '3': 1 }, perTest: {} } };\n` : '') +
          `describe('${name}', () => { it('one', () => {}); it('two', () => {}); });\n`,
      );
    }
  });
  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  const runJest = (args: string[], env: Record<string, string> = {}) => {
    for (const name of ['alpha', 'beta']) rmSync(join(sandbox, `${name}.loaded`), { force: true });
    const run = spawnSync(process.execPath, [jest, '--config', 'jest.config.json', '--ci', ...args], {
      cwd: sandbox,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    expect(run.status).toBe(0);
    return ['alpha', 'beta'].filter((name) => existsSync(join(sandbox, `${name}.loaded`)));
  };

  it('records every file in the dry run, then loads only the covering test files for a mutant', () => {
    expect(runJest([])).toEqual(['alpha', 'beta']);
    const map = parseTestFilesMap(readFileSync(testFilesMapPath(sandbox), 'utf8'));
    expect(map.map((e) => [e.file, e.names, e.mutants]).sort()).toEqual([
      [join(sandbox, 'alpha.test.js'), ['alpha one', 'alpha two'], ['3']],
      [join(sandbox, 'beta.test.js'), ['beta one', 'beta two'], []],
    ]);

    expect(runJest(['--testNamePattern', strykerPattern('beta two')], { [ACTIVE_MUTANT_VARIABLE]: '7' })).toEqual(['beta']);
    expect(runJest([], { [ACTIVE_MUTANT_VARIABLE]: '3' })).toEqual(['alpha']);
    // A mutant run records nothing: the map still holds the dry run's two files.
    expect(parseTestFilesMap(readFileSync(testFilesMapPath(sandbox), 'utf8'))).toHaveLength(2);
  });

  it('runs every file when no map was recorded', () => {
    expect(runJest(['--testNamePattern', strykerPattern('beta two')], { [ACTIVE_MUTANT_VARIABLE]: '7' })).toEqual(['alpha', 'beta']);
  });
});
