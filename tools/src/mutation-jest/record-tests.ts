/**
 * A jest `setupFilesAfterEnv` file for Stryker runs only: during the dry run it appends to the sandbox's map
 * (see test-files.ts) each test file's test names and the mutants reached while it ran; during mutant runs it
 * does nothing. It only reads Stryker's coverage counters, which the dry run shares across test files.
 */
import { appendFileSync } from 'node:fs';
import { ACTIVE_MUTANT_VARIABLE, TestFileEntry, testFilesMapPath } from './test-files';

/** What Stryker's instrumented code counts in its global namespace: hits outside tests, and per test. */
interface StrykerNamespace {
  readonly mutantCoverage?: {
    readonly static?: Readonly<Record<string, number>>;
    readonly perTest?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
}

function hitCounts(): Map<string, number> {
  const coverage = (globalThis as { __stryker__?: StrykerNamespace }).__stryker__?.mutantCoverage;
  const counts = new Map<string, number>();
  for (const hits of [coverage?.static ?? {}, ...Object.values(coverage?.perTest ?? {})]) {
    for (const [id, n] of Object.entries(hits)) counts.set(id, (counts.get(id) ?? 0) + n);
  }
  return counts;
}

if (process.env[ACTIVE_MUTANT_VARIABLE] === undefined) {
  // Taken before the test file loads its modules: what this file reaches is what the counters gain from here.
  const before = hitCounts();
  const names: string[] = [];
  afterEach(() => {
    const name = expect.getState().currentTestName;
    if (name !== undefined) names.push(name);
  });
  afterAll(() => {
    const file = expect.getState().testPath;
    if (file === undefined) return;
    const mutants = [...hitCounts()].filter(([id, n]) => n > (before.get(id) ?? 0)).map(([id]) => id);
    const entry: TestFileEntry = { file, names, mutants };
    appendFileSync(testFilesMapPath(), `${JSON.stringify(entry)}\n`);
  });
}
