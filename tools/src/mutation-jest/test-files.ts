/**
 * Which test file a mutant's run needs, recorded during Stryker's dry run. Stryker 8's jest runner narrows a
 * mutant's run by test name alone (`testNamePattern`), or not at all for a static mutant (one reached while
 * modules load), and jest loads every test file either way: with ~35 test files in core, each mutant cost
 * the whole suite's start-up (~5 s). The map lives in the Stryker sandbox, the test runner's working directory.
 */
import { join } from 'node:path';

/** One line of the map: a test file, the full names of the tests it ran, and every mutant reached while it ran. */
export interface TestFileEntry {
  readonly file: string;
  readonly names: readonly string[];
  /** Mutant IDs whose code ran while this file loaded its modules or ran its tests (Stryker's coverage counters). */
  readonly mutants?: readonly string[];
}

/** The map's path: in the sandbox, the working directory of Stryker's test runner. */
export function testFilesMapPath(sandbox: string = process.cwd()): string {
  return join(sandbox, '.stryker-test-files.jsonl');
}

/** Set by Stryker's runner while a mutant is active; absent during the dry run. */
export const ACTIVE_MUTANT_VARIABLE = '__STRYKER_ACTIVE_MUTANT__';

/**
 * The test files a mutant's run needs, or undefined when the map cannot narrow it (every file runs):
 * - with jest's `testNamePattern` (Stryker's covering tests), the files holding a test whose full name matches,
 *   case-insensitive as jest matches it;
 * - without one (a static mutant), the files during whose run the mutant's code ran. A file that never reached
 *   the mutant's code runs exactly as without the mutant, so it cannot kill it.
 */
export function filesForMutantRun(
  entries: readonly TestFileEntry[],
  testNamePattern: string | undefined | null,
  activeMutant: string | undefined,
): Set<string> | undefined {
  let selected: readonly TestFileEntry[];
  if (testNamePattern) {
    const pattern = new RegExp(testNamePattern, 'i');
    selected = entries.filter((e) => e.names.some((name) => pattern.test(name)));
  } else if (activeMutant !== undefined && entries.every((e) => e.mutants !== undefined)) {
    selected = entries.filter((e) => e.mutants?.includes(activeMutant));
  } else {
    return undefined;
  }
  return selected.length === 0 ? undefined : new Set(selected.map((e) => e.file));
}

export function parseTestFilesMap(text: string): TestFileEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TestFileEntry);
}
