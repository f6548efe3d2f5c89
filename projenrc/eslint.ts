import { TextFile, type Project } from 'projen';

/** A package's sources and what they may import; everything else fails the lint. */
interface AllowList {
  /** Import sources allowed besides the package's own files, as regular expressions (whole specifier). */
  readonly allow: readonly string[];
  readonly message: string;
}

// The package's own files: `./x`, or `../x` from a subfolder, never a path out of the package.
const OWN_FILES = ['\\./.*', '\\.\\./(?!\\.\\.).*'];

/** The dependency rules of the hexagon, as each package README promises them (allow-lists). */
const IMPORT_ALLOW_LISTS: Record<string, AllowList> = {
  'packages/core/src': {
    // node:process would be a way round the ban on process.env.
    allow: ['node:(?!process$).+', 'p-limit', 'p-map'],
    message:
      'packages/core stays pure: it may import only Node.js built-ins, p-limit and p-map. AWS SDK and CDK code belongs in packages/aws-adapters and apps/cdk, behind a port; no other workspace package (apps, adapters, csv, test-support) is imported by core.',
  },
  'packages/csv/src': {
    allow: ['@orgmeta/core', 'csv-stringify(/.*)?', 'csv-parse(/.*)?'],
    message:
      'packages/csv turns rows into CSV: it may import only @orgmeta/core, csv-stringify and csv-parse (never the AWS SDK, the adapters, the apps or test support).',
  },
  'packages/parquet/src': {
    allow: ['@orgmeta/core', 'hyparquet', 'hyparquet-writer'],
    message: 'packages/parquet turns snapshots into Parquet and back: it may import only @orgmeta/core and the hyparquet libraries.',
  },
  'packages/html-report/src': {
    allow: ['@orgmeta/core', 'preact(/.*)?', 'preact-render-to-string', 'node:crypto'],
    message:
      'packages/html-report renders the run report view model from core: it may import only @orgmeta/core, preact and node:crypto (never AWS or another format).',
  },
  'packages/aws-adapters/src': {
    allow: ['@orgmeta/core', '@aws-sdk/.+', '@smithy/.+', 'node:.+'],
    message:
      "packages/aws-adapters implements core's ports with the AWS SDK: it may import only @orgmeta/core, @aws-sdk/*, @smithy/* and Node.js built-ins (never the apps, csv or test support).",
  },
};

/** Imports that other sources (tests, apps) must never make. */
const FORBIDDEN_IMPORTS: Record<string, { group: string[]; message: string }> = {
  'packages/core/test': {
    group: ['@aws-sdk/*', '@smithy/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@orgmeta/*'],
    message: "packages/core's tests use in-memory ports: no AWS SDK, CDK or other workspace package.",
  },
  'packages/csv/test': {
    group: ['@aws-sdk/*', '@smithy/*', '@orgmeta/aws-adapters', '@orgmeta/cli', '@orgmeta/cdk'],
    message: 'packages/csv is tested on rows alone; it must not reach AWS.',
  },
  'packages/aws-adapters/test': {
    group: ['@orgmeta/csv', '@orgmeta/cli', '@orgmeta/cdk'],
    message: 'packages/aws-adapters is tested without the apps or the CSV package.',
  },
  'apps/cdk/src': {
    group: ['@orgmeta/cli', '@orgmeta/test-support'],
    message: 'apps/cdk ships core, csv and aws-adapters only; test support stays in tests.',
  },
  'apps/cli/src': {
    group: ['@orgmeta/cdk', '@orgmeta/test-support', '@orgmeta/tools'],
    message: 'apps/cli ships core, csv and aws-adapters only; test support stays in tests.',
  },
  // Later entries replace the rule for their files, so this one repeats the apps/cli/src group.
  'apps/cli/src/commands': {
    group: ['@orgmeta/cdk', '@orgmeta/test-support', '@orgmeta/tools', '../cli', '../cli.js'],
    message:
      'apps/cli ships core, csv and aws-adapters only; a command takes its shared types from ../command (cli.ts imports the commands, never the reverse).',
  },
};

const CORE_NEVER_TOUCHES_PROCESS =
  'packages/core never reads process.env or writes to stdout/stderr: the apps give it a validated CollectConfig and a Logger.';

/** Core's sources may not reach the process at all, however it is spelled. */
const CORE_PROCESS_RULES = {
  files: ['packages/core/src/**/*.ts'],
  rules: {
    'no-restricted-globals': ['error', { name: 'process', message: CORE_NEVER_TOUCHES_PROCESS }],
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'env', message: CORE_NEVER_TOUCHES_PROCESS },
      { object: 'globalThis', property: 'process', message: CORE_NEVER_TOUCHES_PROCESS },
    ],
  },
};

/** One flat ESLint config at the root for every package (no type information: fast). */
export function addEslintConfig(root: Project): void {
  const allowLists = Object.entries(IMPORT_ALLOW_LISTS).map(([dir, rule]) => ({
    files: [`${dir}/**/*.ts`, `${dir}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: `^(?!(?:${[...rule.allow, ...OWN_FILES].join('|')})$)`, message: rule.message }] },
      ],
    },
  }));
  const restrictions = Object.entries(FORBIDDEN_IMPORTS).map(([dir, rule]) => ({
    files: [`${dir}/**/*.ts`, `${dir}/**/*.tsx`],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: rule.group, message: rule.message }] }] },
  }));
  new TextFile(root, 'eslint.config.mjs', {
    lines: [
      '// ~~ Generated by projen. To modify, edit projenrc/eslint.ts and run "npx projen".',
      "import tseslint from 'typescript-eslint';",
      '',
      'export default tseslint.config(',
      "  { ignores: ['**/lib/**', '**/node_modules/**', '**/cdk.out/**', '**/*.js', '**/*.d.ts', '**/.stryker-tmp*/**', '**/reports/**', '.projenrc.ts', 'projenrc/**'] },",
      '  ...tseslint.configs.recommended,',
      '  {',
      '    rules: {',
      "      '@typescript-eslint/no-explicit-any': 'error',",
      "      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],",
      "      'no-console': 'error',",
      '    },',
      '  },',
      "  { files: ['**/test/**/*.ts', 'packages/test-support/**/*.ts', 'tools/**/*.ts'], rules: { 'no-console': 'off' } },",
      ...[...allowLists, ...restrictions, CORE_PROCESS_RULES].map((r) => `  ${JSON.stringify(r)},`),
      ');',
    ],
  });
}
