import { JsonFile, typescript } from 'projen';

/** StrykerJS 8: v9+ needs Node 22 and these machines run Node 20. */
export const STRYKER_DEV_DEPS = ['@stryker-mutator/core@^8', '@stryker-mutator/jest-runner@^8'];

export interface MutationTestingOptions {
  /** Test files Stryker must not run: slow or not unit tests (e.g. lint-driven architecture tests, a browser). */
  readonly ignoreTests?: string[];
  /** Source files that are not worth mutating (declarations, re-exports). */
  readonly ignoreSources?: string[];
  /** Mutation score below which `mutation` fails: a little under the measured score, so it cannot silently drop. */
  readonly breakThreshold: number;
}

/**
 * Mutation testing of one pure package with StrykerJS (jest runner, the package's projen jest config,
 * its fast unit tests). `npx nx run <pkg>:mutation` runs it; reports go to the package's reports/ (gitignored).
 */
export function addMutationTesting(pkg: typescript.TypeScriptProject, options: MutationTestingOptions): void {
  new JsonFile(pkg, 'stryker.config.json', {
    // Stryker rejects unknown keys such as projen's "//" marker; .gitattributes still marks the file generated.
    marker: false,
    obj: {
      $schema: '../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
      packageManager: 'npm',
      testRunner: 'jest',
      // The runner works in a sandbox copy of the package; workspace imports resolve through the root node_modules.
      jest: {
        projectType: 'custom',
        configFile: 'jest.config.json',
        config: {
          testPathIgnorePatterns: ['/node_modules/', ...(options.ignoreTests ?? [])],
        },
        enableFindRelatedTests: false,
      },
      coverageAnalysis: 'perTest',
      // .tsx too: html-report's Preact templates decide what the page shows.
      mutate: ['src/**/*.ts', 'src/**/*.tsx', ...(options.ignoreSources ?? []).map((s) => `!${s}`)],
      // ts-jest only transpiles (isolatedModules); typecheck runs in the test task, not per mutant.
      checkers: [],
      // Two cores shared by the whole machine: one test runner at a time.
      concurrency: 1,
      timeoutMS: 10_000,
      reporters: ['clear-text', 'progress', 'json', 'html'],
      jsonReporter: { fileName: 'reports/mutation/mutation.json' },
      htmlReporter: { fileName: 'reports/mutation/mutation.html' },
      thresholds: { high: 90, low: 80, break: options.breakThreshold },
      // A run re-tests only mutants whose code or covering tests changed since the last one (`--force`: all).
      incremental: true,
      incrementalFile: 'reports/mutation/stryker-incremental.json',
      tempDirName: '.stryker-tmp',
      cleanTempDir: true,
    },
  });
  pkg.addTask('mutation', {
    description: 'Mutation testing of the unit tests (StrykerJS); reports in reports/mutation/',
    exec: 'stryker run stryker.config.json',
    receiveArgs: true,
  });
  pkg.gitignore.exclude('/reports/', '/.stryker-tmp*/');
}
