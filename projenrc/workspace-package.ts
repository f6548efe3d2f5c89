import { JsonFile, ProjenrcFile, javascript, typescript, type Project } from 'projen';
import {
  API_EXTRACTOR,
  JEST_VERSION,
  LIBRARY_LICENSE,
  NODE_TYPES,
  REPOSITORY_URL,
  TYPESCRIPT_VERSION,
  WORKSPACE_VERSION,
} from './versions';

/**
 * How one workspace package depends on another: a caret range on the workspace's version, which npm links inside
 * the workspace and which still means something in a published tarball (an exact `0.0.0` or `*` would not).
 */
export function workspaceRange(pkg: typescript.TypeScriptProject): string {
  return `${pkg.package.packageName}@^${WORKSPACE_VERSION}`;
}

export interface WorkspacePackageOptions {
  /** npm name, e.g. `@orgmeta/core`. */
  readonly name: string;
  /** Folder under the repository root, e.g. `packages/core`. */
  readonly outdir: string;
  readonly description: string;
  readonly deps?: string[];
  readonly devDeps?: string[];
  /** Other workspace packages this one imports. */
  readonly workspaceDeps?: typescript.TypeScriptProject[];
  /** Workspace packages used only by tests and scripts. */
  readonly workspaceDevDeps?: typescript.TypeScriptProject[];
  /** Jest globalSetup/globalTeardown modules, by package export (e.g. `@orgmeta/test-support/jest/global-setup`), e.g. to start moto once. */
  readonly jestGlobalSetup?: { readonly setup: string; readonly teardown: string };
  /** package.json `exports`: the only entry points other packages may use. */
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly bin?: Record<string, string>;
  /**
   * A library other projects install from npm (issue #15): public (not `private`), licensed, with an `exports` map,
   * the compiled `lib/` only in its tarball, and its public API guarded by an API Extractor report in `api/`.
   */
  readonly library?: boolean;
  /** Jest testTimeout in ms; e2e suites talk to moto and need more. */
  readonly testTimeout?: number;
  /** Compile `.tsx` sources with this JSX runtime (e.g. `preact`): typed, auto-escaping templates. */
  readonly jsxImportSource?: string;
}

/**
 * Names the root's `.projenrc.ts` as the source in a package's generated files: without a projenrc
 * of its own, projen would tell readers to edit a `.projenrc.js` that does not exist.
 */
class RootProjenrc extends ProjenrcFile {
  constructor(
    project: Project,
    readonly filePath: string,
  ) {
    super(project);
  }

  override preSynthesize(): void {
    // The root's own projenrc component keeps it in git; nothing to add per package.
  }
}

/**
 * One TypeScript package of the monorepo. Everything generic lives here so each
 * package is declared in a few lines in .projenrc.ts.
 */
export function workspacePackage(root: typescript.TypeScriptProject, options: WorkspacePackageOptions): typescript.TypeScriptProject {
  const pkg = new typescript.TypeScriptProject({
    parent: root,
    outdir: options.outdir,
    name: options.name,
    description: options.description,
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    typescriptVersion: TYPESCRIPT_VERSION,
    projenrcTs: false,
    sampleCode: false,
    eslint: false, // one flat config at the root lints every package
    prettier: false,
    github: false,
    release: false,
    package: false,
    licensed: options.library === true,
    license: options.library ? LIBRARY_LICENSE : undefined,
    copyrightOwner: options.library ? 'The orgmeta authors' : undefined,
    // A library's tarball is `files` below; .npmignore would be a second list to keep in step.
    npmignoreEnabled: !options.library,
    depsUpgrade: false,
    pullRequestTemplate: false,
    entrypoint: 'lib/index.js',
    deps: [...(options.deps ?? []), ...(options.workspaceDeps ?? []).map(workspaceRange)],
    devDeps: [
      NODE_TYPES,
      ...(options.devDeps ?? []),
      ...(options.workspaceDevDeps ?? []).map(workspaceRange),
      ...(options.library ? [API_EXTRACTOR] : []),
    ],
    bin: options.bin,
    tsconfig: {
      compilerOptions: {
        module: 'node16',
        moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
        target: 'ES2022',
        lib: ['es2022'],
        strict: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        skipLibCheck: true,
        // ts-jest then only transpiles (3-5x faster); the `typecheck` step catches type errors.
        isolatedModules: true,
        ...(options.jsxImportSource ? { jsx: javascript.TypeScriptJsxMode.REACT_JSX, jsxImportSource: options.jsxImportSource } : {}),
      },
    },
    jestOptions: {
      jestVersion: JEST_VERSION,
      updateSnapshot: javascript.UpdateSnapshot.NEVER,
      junitReporting: false,
      configFilePath: 'jest.config.json',
      jestConfig: {
        testMatch: ['<rootDir>/test/**/*.test.ts'],
        testTimeout: options.testTimeout ?? 5_000,
        collectCoverage: false,
        ...(options.jestGlobalSetup
          ? { globalSetup: options.jestGlobalSetup.setup, globalTeardown: options.jestGlobalSetup.teardown }
          : {}),
      },
    },
  });
  // Install once at the root (npm workspaces); a subproject must not run its own
  // npm install or re-synthesise the tree.
  for (const name of ['install', 'install:ci', 'default']) {
    pkg.tasks.tryFind(name)?.reset();
  }
  pkg.package.addField('version', WORKSPACE_VERSION);
  if (options.library) {
    publishable(pkg, options.outdir);
  } else {
    pkg.package.addField('private', true);
  }
  if (options.exports) pkg.package.addField('exports', options.exports);
  // Type-check the tests too, since ts-jest only transpiles them.
  const typecheck = pkg.addTask('typecheck', { exec: 'tsc --noEmit -p test/tsconfig.json' });
  pkg.testTask.prependSpawn(typecheck);
  // The SDK's "Node.js 22 will be needed" notice is noise in test output; the CLI itself still logs it.
  pkg.testTask.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  pkg.gitignore.exclude('lib/', '*.tsbuildinfo');
  if (options.jsxImportSource) {
    pkg.tsconfig?.addInclude(`${pkg.srcdir}/**/*.tsx`);
  }
  new RootProjenrc(
    pkg,
    `${options.outdir
      .split('/')
      .map(() => '..')
      .join('/')}/.projenrc.ts`,
  );
  return pkg;
}

/** package.json fields and the API report of a package that is packed and published for other projects. */
function publishable(pkg: typescript.TypeScriptProject, outdir: string): void {
  // The index is the whole public API: no deep imports into lib/ from outside.
  pkg.package.addField('exports', { '.': { types: './lib/index.d.ts', default: './lib/index.js' }, './package.json': './package.json' });
  pkg.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'README.md', 'LICENSE']);
  pkg.package.addField('repository', { type: 'git', url: REPOSITORY_URL, directory: outdir });
  // @orgmeta/parquet require()s ES modules (hyparquet), which Node runs without a flag from 20.19.
  pkg.package.addField('engines', { node: '>=20.19' });
  pkg.package.addField('publishConfig', { access: 'public' });
  const reportName = pkg.package.packageName.replace(/^@[^/]+\//, '');
  // No projen marker key: API Extractor's schema refuses unknown keys.
  new JsonFile(pkg, 'api-extractor.json', {
    marker: false,
    obj: {
      $schema: 'https://developer.microsoft.com/json-schemas/api-extractor/v7/api-extractor.schema.json',
      mainEntryPointFilePath: '<projectFolder>/lib/index.d.ts',
      newlineKind: 'lf',
      apiReport: {
        enabled: true,
        reportFileName: `${reportName}.api.md`,
        reportFolder: '<projectFolder>/api/',
        reportTempFolder: '<projectFolder>/temp/',
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Every package is public: no @public/@beta release tags to require.
        extractorMessageReporting: {
          'ae-missing-release-tag': { logLevel: 'none' },
          // A type in a public signature that the index does not export: a consumer could not name it.
          'ae-forgotten-export': { logLevel: 'error', addToApiReportFile: false },
          // An export without TSDoc shows as `(undocumented)` in the report, for the review of the change.
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: true },
        },
      },
    },
  });
  pkg.gitignore.exclude('/temp/');
  // Regenerates the committed report after a reviewed change (`npm run api` at the root runs it everywhere).
  pkg.addTask('api', {
    description: 'Updates the API report in api/ from the compiled declarations',
    exec: 'mkdir -p api && api-extractor run --local',
  });
  // The test task fails when the public API differs from the committed report (an unreviewed change).
  const apiCheck = pkg.addTask('api:check', {
    description: 'Fails when the compiled public API differs from the committed report in api/',
    exec: 'api-extractor run',
  });
  pkg.testTask.prependSpawn(apiCheck);
}
