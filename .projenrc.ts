import { JsonFile, javascript, typescript } from 'projen';
import { addEslintConfig } from './projenrc/eslint';
import { STRYKER_DEV_DEPS, addMutationTesting } from './projenrc/mutation';
import { PARQUET_ESM_MODULES, importsEsm, jestTranspilesEsm } from './projenrc/esm-dependencies';
import { AWS_SDK_VERSION, NODE_TYPES, TYPESCRIPT_VERSION } from './projenrc/versions';
import { API_DOCS_DEV_DEPS, addApiDocs, libraryExample } from './projenrc/library-example';
import { workspacePackage, workspaceRange } from './projenrc/workspace-package';

// One moto server per test run of a package, started and stopped by jest (see packages/test-support/src/jest);
// jest resolves these through the package's exports, never by a path into its build.
const MOTO_FOR_JEST = {
  setup: '@orgmeta/test-support/jest/global-setup',
  teardown: '@orgmeta/test-support/jest/global-teardown',
};

const root = new typescript.TypeScriptProject({
  name: 'orgmeta-monorepo',
  description: 'Collects AWS Organizations account metadata for many tenants into CSV reports',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  typescriptVersion: TYPESCRIPT_VERSION,
  projenrcTs: true,
  sampleCode: false,
  jest: false,
  eslint: false,
  // One formatter decides layout for every package (checked by the test command).
  prettier: true,
  prettierOptions: { settings: { printWidth: 140, singleQuote: true, trailingComma: javascript.TrailingComma.ALL } },
  github: false,
  release: false,
  package: false,
  licensed: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  devDeps: [NODE_TYPES, 'nx@24.0.6', 'eslint@^9', 'typescript-eslint@^8', ...STRYKER_DEV_DEPS, ...API_DOCS_DEV_DEPS],
});
root.package.addField('private', true);
root.package.addField('workspaces', ['packages/*', 'apps/*', 'tools']);

const core = workspacePackage(root, {
  name: '@orgmeta/core',
  library: true,
  outdir: 'packages/core',
  description: 'Domain, configuration, collection pipeline and ports. Never imports the AWS SDK.',
  deps: ['p-limit@^3', 'p-map@^4'],
});

const csv = workspacePackage(root, {
  name: '@orgmeta/csv',
  library: true,
  outdir: 'packages/csv',
  description: 'Account rows to RFC 4180 CSV, column order and formula escaping.',
  // csv-parse also reads an earlier accounts.csv back as a change-detection baseline.
  deps: ['csv-stringify@^6.9', 'csv-parse@^6'],
  devDeps: ['fast-check@^4'],
  workspaceDeps: [core],
});

// Mutation testing of the pure packages (their unit tests only): `npm run mutation`.
// core's architecture test lints probe files through ESLint, a rule check rather than a behaviour test.
// Thresholds sit a few points under the last full measurement, so a score cannot silently drop:
// on a fresh clone core's main run scored 93.5 % (config.ts in its focused run, 100 %), core as a whole 94.3 % (first 52.7 %).
addMutationTesting(core, {
  ignoreTests: ['/test/architecture.test.ts'],
  ignoreSources: ['src/index.ts'],
  breakThreshold: 88,
  overallTarget: 90,
  // What decides which tenants run, what a failure tells the operator, what config is accepted, what changed,
  // which tags are missing, and whether a resumed tenant reads what it read before.
  decisionFiles: [
    'src/tenants.ts',
    'src/failures.ts',
    'src/error-codes.ts',
    'src/pipeline.ts',
    'src/config.ts',
    'src/preflight.ts',
    'src/changes.ts',
    'src/changes-query.ts',
    'src/snapshot.ts',
    'src/snapshot-pointer.ts',
    'src/tag-coverage.ts',
    'src/tenant-checkpoint.ts',
    'src/run-lock.ts',
  ],
  // config.ts is mostly static mutants (COLLECT_SETTINGS): each re-runs every test file of the run. Against
  // the test files that read the settings table it finishes; a narrowed run can only kill fewer mutants
  // than the full one, so its score is a lower bound of config.ts's full-run score (README, Development).
  focusedRuns: [
    {
      name: 'config',
      mutate: ['src/config.ts'],
      tests: ['test/config*.test.ts', 'test/failures*.test.ts', 'test/preflight.test.ts'],
      // Measured 100 % (426 of 426 valid) in the full run of 2026-11-30.
      breakThreshold: 95,
    },
  ],
});
// csv: a full run measured 90.1 % (210 of 233) after the tests for changes.csv read back and tag-coverage order.
addMutationTesting(csv, { ignoreSources: ['src/index.ts'], breakThreshold: 85, overallTarget: 85 });

const awsAdapters = workspacePackage(root, {
  name: '@orgmeta/aws-adapters',
  library: true,
  outdir: 'packages/aws-adapters',
  description: "AWS SDK v3 implementations of core's ports.",
  deps: [
    `@aws-sdk/client-dynamodb@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-sts@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-organizations@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-s3@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-eventbridge@${AWS_SDK_VERSION}`,
    // Account Management: alternate contacts and enabled regions of member accounts (--contacts, --regions).
    `@aws-sdk/client-account@${AWS_SDK_VERSION}`,
    `@aws-sdk/credential-providers@${AWS_SDK_VERSION}`,
    '@smithy/types@^4',
  ],
  // SQS reads change events back through a rule on the bus (moto).
  devDeps: ['aws-sdk-client-mock@^4', `@aws-sdk/client-sqs@${AWS_SDK_VERSION}`],
  workspaceDeps: [core],
});

const testSupport = workspacePackage(root, {
  name: '@orgmeta/test-support',
  outdir: 'packages/test-support',
  description: 'Shared test support: moto server start/stop, seeding, the fault-injecting proxy, running the CLI.',
  deps: [
    `@aws-sdk/client-dynamodb@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-sts@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-organizations@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-s3@${AWS_SDK_VERSION}`,
    // Seeds alternate contacts in moto.
    `@aws-sdk/client-account@${AWS_SDK_VERSION}`,
  ],
  testTimeout: 60_000,
  // What other packages may use: the API, and the jest hooks that start and stop moto.
  exports: {
    '.': { types: './lib/index.d.ts', default: './lib/index.js' },
    './jest/global-setup': './lib/jest/global-setup.js',
    './jest/global-teardown': './lib/jest/global-teardown.js',
  },
});
// The EventBridge sink and the S3 object reader are tested against the shared moto server.
awsAdapters.addDevDeps(workspaceRange(testSupport));
awsAdapters.tryFindObjectFile('jest.config.json')?.addOverride('testTimeout', 60_000);
awsAdapters.tryFindObjectFile('jest.config.json')?.addOverride('globalSetup', MOTO_FOR_JEST.setup);
awsAdapters.tryFindObjectFile('jest.config.json')?.addOverride('globalTeardown', MOTO_FOR_JEST.teardown);

// Snapshots as Parquet, one schema for every tenant and run. hyparquet-writer pins hyparquet exactly and
// the reader uses that same version; DuckDB (native, tests only) proves a real SQL engine reads the files.
export const parquet = workspacePackage(root, {
  name: '@orgmeta/parquet',
  library: true,
  outdir: 'packages/parquet',
  description: 'Snapshots and changes as Parquet (one schema for the whole fleet), and snapshots read back.',
  deps: ['hyparquet-writer@0.17.0', 'hyparquet@1.31.5'],
  devDeps: ['@duckdb/node-api@1.5.6-r.1'],
  workspaceDeps: [core],
  testTimeout: 30_000,
});
importsEsm(parquet, PARQUET_ESM_MODULES);
// Parquet's schema and values decide what every query over the fleet reads; its tests read the files back (hyparquet,
// DuckDB). Measured 68.6 % first, 89.8 % after test/read-back.test.ts.
addMutationTesting(parquet, { ignoreSources: ['src/index.ts'], breakThreshold: 85, overallTarget: 85 });

const htmlReport = workspacePackage(root, {
  name: '@orgmeta/html-report',
  outdir: 'packages/html-report',
  description: 'The run report view model as one self-contained HTML page (Preact templates, inline SVG charts).',
  deps: ['preact@^10.29', 'preact-render-to-string@^6.8'],
  devDeps: ['playwright-core@^1.65'],
  workspaceDeps: [core],
  jsxImportSource: 'preact',
  // The browser test starts Chromium and renders a full page.
  testTimeout: 60_000,
});
// A real browser (Debian's chromium, never a test tool's own download) for the browser test;
// its screenshots go to test-output/, which stays out of git.
htmlReport.testTask.prependExec('bash ../../scripts/ensure-chromium.sh');
htmlReport.gitignore.exclude('/test-output/');
// The browser test drives Chromium (seconds per run): the render tests assert the same page as text. Measured 93.7 %, break at 90.
addMutationTesting(htmlReport, {
  ignoreTests: ['/test/browser.test.ts'],
  ignoreSources: ['src/index.ts'],
  breakThreshold: 90,
  overallTarget: 90,
});

const cli = workspacePackage(root, {
  name: '@orgmeta/cli',
  outdir: 'apps/cli',
  description: 'The orgmeta command.',
  deps: ['yargs@~17.7.2', 'dotenv@^17', 'cli-progress@^3.12'],
  // The e2e tests read Parquet with DuckDB, open the HTML report in Chromium and read change events through SQS.
  devDeps: [
    '@types/yargs@~17.0.33',
    '@types/cli-progress@^3',
    'csv-parse@^6',
    '@duckdb/node-api@1.5.6-r.1',
    'playwright-core@^1.65',
    `@aws-sdk/client-sqs@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-eventbridge@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-s3@${AWS_SDK_VERSION}`,
  ],
  workspaceDeps: [core, csv, parquet, htmlReport, awsAdapters],
  workspaceDevDeps: [testSupport],
  // A committed launcher, so the first `npm ci` of a fresh clone links it (lib/ does not exist yet).
  bin: { orgmeta: 'bin/orgmeta' },
  testTimeout: 120_000,
  jestGlobalSetup: MOTO_FOR_JEST,
});

// The CLI and the Lambda write Parquet: their tests load hyparquet through @orgmeta/parquet.
jestTranspilesEsm(cli, PARQUET_ESM_MODULES);
// The HTML report of a real run is opened in Chromium (Debian's, as in packages/html-report).
cli.testTask.prependExec('bash ../../scripts/ensure-chromium.sh');
cli.gitignore.exclude('/test-output/');

const cdk = workspacePackage(root, {
  name: '@orgmeta/cdk',
  outdir: 'apps/cdk',
  description: 'Lambda handlers and CDK stacks: the scheduled collector (single or Step Functions fan-out) and the tenant reader role.',
  deps: ['aws-cdk-lib@2.276.0', 'constructs@^10.8.1'],
  devDeps: ['aws-cdk@2.1148.1', 'cdk-nag@3.0.2', 'esbuild@0.28.2', 'csv-parse@^6'],
  workspaceDeps: [core, csv, parquet, htmlReport, awsAdapters],
  workspaceDevDeps: [testSupport],
  testTimeout: 180_000,
  jestGlobalSetup: MOTO_FOR_JEST,
});
// The demo and the benchmark: user-facing scripts run from the root (`npm run demo`, `npm run bench`).
workspacePackage(root, {
  name: '@orgmeta/tools',
  outdir: 'tools',
  description:
    "The demo and the benchmark (the real orgmeta CLI against a local AWS emulator), and the mutation runs' test-file narrowing and score check.",
  // The jest sequencer of the Stryker runs extends jest's own (tools/src/mutation-jest).
  deps: ['@jest/test-sequencer@^30'],
  workspaceDeps: [testSupport, cli],
  testTimeout: 120_000,
});

// The published packages as another project uses them (issue #15): the documented example, and a test that packs
// the packages, installs the tarballs into a project outside the workspace, compiles the example there and runs it on moto.
const libraries = [core, awsAdapters, csv, parquet];
libraryExample(root, {
  outdir: 'examples/custom-sink',
  name: 'orgmeta-example-custom-sink',
  description: 'Collects one tenant with the orgmeta packages into a custom in-memory ReportSink.',
  libraries,
});
addApiDocs(root, libraries);
workspacePackage(root, {
  name: '@orgmeta/library-test',
  outdir: 'packages/library-test',
  description: 'Packs the published packages and proves a project outside the workspace installs, compiles and runs them.',
  // Depending on them orders their compile before this test (nx `^compile`); the test packs them itself.
  workspaceDevDeps: [...libraries, testSupport],
  testTimeout: 120_000,
  jestGlobalSetup: MOTO_FOR_JEST,
});

new JsonFile(cdk, 'cdk.json', {
  obj: {
    app: 'node lib/main.js',
    output: 'cdk.out',
    // Synth stays offline: no notices, no version check, no telemetry.
    notices: false,
    versionReporting: false,
    // The fan-out's Distributed Map writes its results to S3 only with this flag: aws-cdk-lib 2.276
    // drops `resultWriterV2` without it (the construct refuses to synth then).
    context: { 'cli-telemetry': false, '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true },
  },
});
cdk.gitignore.exclude('cdk.out/');
jestTranspilesEsm(cdk, PARQUET_ESM_MODULES);
cdk.addTask('synth', { description: 'Synthesizes both stacks offline into cdk.out', exec: 'cdk synth --quiet' });
cdk.addTask('bundle-size', { description: 'Prints the minified size of each Lambda bundle', exec: 'node lib/bundle-size.js' });

// Tests and the bench run lib/main.js directly; npm only marks the committed launcher executable.
cli.compileTask.exec('chmod +x lib/main.js');

new JsonFile(root, 'nx.json', {
  obj: {
    $schema: './node_modules/nx/schemas/nx-schema.json',
    neverConnectToCloud: true,
    analytics: false,
    useDaemonProcess: false,
    // Inside the workspace, never a cache shared across clones.
    cacheDirectory: '.nx/cache',
    namedInputs: {
      default: ['{projectRoot}/**/*'],
      production: ['default', '!{projectRoot}/test/**/*', '!{projectRoot}/lib/**/*', '!{projectRoot}/cdk.out/**/*'],
    },
    targetDefaults: {
      // A package's output depends on its own sources and on what it imports from upstream.
      compile: { dependsOn: ['^compile'], cache: true, inputs: ['production', '^production'], outputs: ['{projectRoot}/lib'] },
      build: { dependsOn: ['^build'], cache: true, inputs: ['default', '^production'], outputs: ['{projectRoot}/lib'] },
      // e2e tests run the compiled CLI and its compiled dependencies. The test command itself
      // (`npm test`, CI) passes --skip-nx-cache, so a cached result never stands in for a run.
      test: { dependsOn: ['compile', '^compile'], cache: true, inputs: ['default', '^production'], outputs: [] },
      // The API report is read from the compiled declarations.
      api: { dependsOn: ['compile', '^compile'] },
      // csv and html-report's tests import core's compiled lib/.
      mutation: { dependsOn: ['^compile'] },
    },
  },
});

addEslintConfig(root);

root.compileTask.reset('nx run-many -t compile --output-style=stream');
root.testTask.reset();
root.testTask.env('NX_NO_CLOUD', 'true');
root.testTask.env('NX_TUI', 'false');
root.testTask.exec('bash scripts/ensure-moto.sh');
root.testTask.exec('eslint --max-warnings 0 packages apps tools');
// Layout of the TypeScript sources (generated JSON/YAML is projen's to format).
root.testTask.exec("prettier --check '**/*.ts'");
root.testTask.exec("prettier --check '**/*.tsx'");
root.prettier?.addIgnorePattern('**/lib/');
root.prettier?.addIgnorePattern('**/cdk.out/');
root.prettier?.addIgnorePattern('**/*.d.ts');
root.prettier?.addIgnorePattern('.nx/');
// Stryker's sandboxes hold instrumented copies of a package while `npm run mutation` runs.
root.prettier?.addIgnorePattern('**/.stryker-tmp*/');
root.prettier?.addIgnorePattern('**/reports/');
root.addTask('format', { description: 'Formats every TypeScript source with prettier', exec: "prettier --write '**/*.ts'" });
root.tasks.tryFind('format')?.exec("prettier --write '**/*.tsx'");
// The test command is what CI runs: it rebuilds everything rather than trust a cache.
root.testTask.exec('nx run-many -t test --output-style=stream --parallel=2 --skip-nx-cache');
root.addTask('mutation', {
  description: "Mutation testing (StrykerJS) of the pure packages, one package at a time; reports in each package's reports/mutation/",
  env: { NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  steps: [
    // tools/lib holds the jest sequencer the Stryker runs use and the scores check that ends the task.
    { exec: 'nx run @orgmeta/tools:compile --output-style=stream' },
    { exec: 'nx run-many -t mutation --output-style=stream --parallel=1 --skip-nx-cache' },
    // Per-file and whole-package targets (mutation-targets.json in each package), over every run's report.
    { exec: 'node tools/lib/mutation-scores.js' },
  ],
});
root.addTask('demo', {
  description: 'Runs `orgmeta collect` against a local AWS emulator with sample tenants',
  steps: [{ exec: 'bash scripts/ensure-moto.sh' }, { spawn: 'compile' }, { exec: 'node tools/lib/demo.js' }],
});
root.addTask('bench', {
  description:
    'Measures speed against the rate-limit bound and memory (--big: 1 tenant x 10,000 accounts; --details: per account-detail flag; --fleet: the fan-out flow over 1,000 tenants)',
  steps: [
    { exec: 'bash scripts/ensure-moto.sh' },
    { spawn: 'compile' },
    { exec: 'node tools/lib/bench.js', receiveArgs: true },
    { exec: 'node apps/cdk/lib/bundle-size.js' },
  ],
});
root.addTask('capacity', {
  description: 'Prints the capacity model of the fan-out (tenants x accounts x requests/s: time, invocations, cost)',
  steps: [{ spawn: 'compile' }, { exec: 'node tools/lib/capacity.js' }],
});
// `npx projen build` also synthesizes both stacks (offline, with local esbuild bundling).
root.packageTask.exec('cd apps/cdk && cdk synth --quiet');
root.gitignore.exclude('/reports/', '/.nx/', '/tmp/', '.env');

root.synth();
