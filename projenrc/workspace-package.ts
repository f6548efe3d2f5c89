import { ProjenrcFile, javascript, typescript, type Project } from 'projen';
import { JEST_VERSION, NODE_TYPES, TYPESCRIPT_VERSION } from './versions';

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
    licensed: false,
    depsUpgrade: false,
    pullRequestTemplate: false,
    entrypoint: 'lib/index.js',
    deps: [...(options.deps ?? []), ...(options.workspaceDeps ?? []).map((p) => `${p.package.packageName}@0.0.0`)],
    devDeps: [NODE_TYPES, ...(options.devDeps ?? []), ...(options.workspaceDevDeps ?? []).map((p) => `${p.package.packageName}@0.0.0`)],
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
  pkg.package.addField('version', '0.0.0');
  pkg.package.addField('private', true);
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
