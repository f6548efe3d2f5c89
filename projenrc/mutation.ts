import { JsonFile, typescript } from 'projen';

/** StrykerJS 8: v9+ needs Node 22 and these machines run Node 20. */
export const STRYKER_DEV_DEPS = ['@stryker-mutator/core@^8', '@stryker-mutator/jest-runner@^8'];

export interface MutationTestingOptions {
  /** Test files Stryker must not run: slow or not unit tests (e.g. lint-driven architecture tests, a browser). */
  readonly ignoreTests?: string[];
  /** Source files that are not worth mutating (declarations, re-exports). */
  readonly ignoreSources?: string[];
  /** Mutation score below which a Stryker run fails: a little under the measured score, so it cannot silently drop. */
  readonly breakThreshold: number;
  /** Minimum score of the whole package, its main and focused runs together (checked by `tools/src/mutation-scores.ts`). */
  readonly overallTarget: number;
  /** Files that decide what operators see (selection, hints, validation, diffs, checkpoints): each must score {@link DECISION_FILE_TARGET}. */
  readonly decisionFiles?: string[];
  /**
   * Extra runs over a few source files with only the test files that exercise them, each in its own
   * `stryker.config-<name>.json` and task `mutation:<name>`: for files whose mutants are mostly static
   * (module-level tables), where every static mutant re-runs every test file the run includes.
   */
  readonly focusedRuns?: FocusedMutationRun[];
}

/** One narrowed Stryker run: these sources, mutated against these test files only. */
export interface FocusedMutationRun {
  /** Names the config file and the task: `stryker.config-<name>.json`, `mutation:<name>`. */
  readonly name: string;
  /** Source files to mutate (relative to the package). */
  readonly mutate: string[];
  /** jest `testMatch` globs (relative to the package root) of the test files to run. */
  readonly tests: string[];
  /** Break threshold of this run; its score is a lower bound of the full run's for the same files. */
  readonly breakThreshold: number;
}

/** Where a package's main run and each focused run write their reports (one home for the Stryker configs and the targets). */
const MAIN_REPORT_DIR = 'reports/mutation';
const focusedReportDir = (name: string) => `reports/mutation-${name}`;

/** Minimum mutation score of each decision-making file. */
export const DECISION_FILE_TARGET = 80;

/**
 * Mutation testing of one pure package with StrykerJS (jest runner, the package's projen jest config,
 * its fast unit tests). `npx nx run <pkg>:mutation` runs it; reports go to the package's reports/ (gitignored).
 */
export function addMutationTesting(pkg: typescript.TypeScriptProject, options: MutationTestingOptions): void {
  const focusedRuns = options.focusedRuns ?? [];
  // Each source file is mutated by exactly one run: a focused run's files are left out of the main one.
  const focusedSources = focusedRuns.flatMap((run) => run.mutate);
  const reportDirs = [MAIN_REPORT_DIR, ...focusedRuns.map((run) => focusedReportDir(run.name))];
  new JsonFile(pkg, 'stryker.config.json', {
    // Stryker rejects unknown keys such as projen's "//" marker; .gitattributes still marks the file generated.
    marker: false,
    obj: strykerConfig({
      jestConfig: { testPathIgnorePatterns: ['/node_modules/', ...(options.ignoreTests ?? [])] },
      // .tsx too: html-report's Preact templates decide what the page shows.
      mutate: ['src/**/*.ts', 'src/**/*.tsx', ...[...(options.ignoreSources ?? []), ...focusedSources].map((s) => `!${s}`)],
      breakThreshold: options.breakThreshold,
      reportDir: MAIN_REPORT_DIR,
    }),
  });
  const mutation = pkg.addTask('mutation', {
    description: `Mutation testing of the unit tests (StrykerJS); reports in ${reportDirs.map((dir) => `${dir}/`).join(', ')}`,
    exec: 'stryker run stryker.config.json',
    receiveArgs: true,
  });
  for (const run of focusedRuns) mutation.exec(`stryker run stryker.config-${run.name}.json`);
  new JsonFile(pkg, 'mutation-targets.json', {
    obj: {
      package: pkg.package.packageName,
      reports: reportDirs.map((dir) => `${dir}/mutation.json`),
      overall: options.overallTarget,
      files: Object.fromEntries((options.decisionFiles ?? []).map((file) => [file, DECISION_FILE_TARGET])),
    },
  });
  for (const run of focusedRuns) {
    const file = `stryker.config-${run.name}.json`;
    new JsonFile(pkg, file, {
      marker: false,
      obj: strykerConfig({
        jestConfig: {
          testMatch: run.tests.map((t) => `<rootDir>/${t}`),
          testPathIgnorePatterns: ['/node_modules/', ...(options.ignoreTests ?? [])],
        },
        mutate: run.mutate,
        breakThreshold: run.breakThreshold,
        reportDir: focusedReportDir(run.name),
      }),
    });
    pkg.addTask(`mutation:${run.name}`, {
      description: `Mutation testing of ${run.mutate.join(', ')} against ${run.tests.join(', ')} only; reports in ${focusedReportDir(run.name)}/`,
      exec: `stryker run ${file}`,
      receiveArgs: true,
    });
  }
  pkg.gitignore.exclude('/reports/', '/.stryker-tmp*/');
}

/**
 * Stryker 8's jest runner narrows a mutant's run by test name only, and jest loads every test file to find the
 * names (~5 s per mutant in core). tools/src/mutation-jest records during the dry run which file holds which test
 * and keeps only the covering tests' files per mutant. Paths are from the sandbox jest runs in:
 * `<package>/.stryker-tmp/sandbox-*` is four levels under the workspace root (tools/lib is compiled by `npm run mutation`).
 */
const COVERING_TEST_FILES_ONLY = {
  testSequencer: '<rootDir>/../../../../tools/lib/mutation-jest/sequencer.js',
  setupFilesAfterEnv: ['<rootDir>/../../../../tools/lib/mutation-jest/record-tests.js'],
};

function strykerConfig(options: {
  readonly jestConfig: Record<string, unknown>;
  readonly mutate: string[];
  readonly breakThreshold: number;
  readonly reportDir: string;
}): Record<string, unknown> {
  const { reportDir } = options;
  return {
    $schema: '../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'npm',
    testRunner: 'jest',
    // The runner works in a sandbox copy of the package; workspace imports resolve through the root node_modules.
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.json',
      config: { ...options.jestConfig, ...COVERING_TEST_FILES_ONLY },
      enableFindRelatedTests: false,
    },
    coverageAnalysis: 'perTest',
    mutate: options.mutate,
    // ts-jest only transpiles (isolatedModules); typecheck runs in the test task, not per mutant.
    checkers: [],
    // No `concurrency`: Stryker's default, a test runner per core (one less above four cores). A run is meant to
    // have the machine to itself; `--concurrency 1` leaves a core free.
    timeoutMS: 10_000,
    reporters: ['clear-text', 'progress', 'json', 'html'],
    jsonReporter: { fileName: `${reportDir}/mutation.json` },
    htmlReporter: { fileName: `${reportDir}/mutation.html` },
    thresholds: { high: 90, low: 80, break: options.breakThreshold },
    // A run re-tests only mutants whose code or covering tests changed since the last one (`--force`: all).
    incremental: true,
    incrementalFile: `${reportDir}/stryker-incremental.json`,
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
  };
}
