import { relative } from 'node:path';
import { JsonFile, type typescript } from 'projen';
import { LIBRARY_LICENSE, NODE_TYPES, TYPESCRIPT_VERSION, WORKSPACE_VERSION } from './versions';

export interface LibraryExampleOptions {
  /** Folder under the repository root, e.g. `examples/custom-sink`. */
  readonly outdir: string;
  readonly name: string;
  readonly description: string;
  /** The published packages it imports, at the workspace's version. */
  readonly libraries: readonly typescript.TypeScriptProject[];
}

/**
 * A project that uses the published packages as an outsider does: not a workspace member, so npm
 * never links it to the sources; it installs the packages from the registry (or, in the library test,
 * from the packed tarballs) and compiles with `tsc --strict` on its own.
 */
export function libraryExample(root: typescript.TypeScriptProject, options: LibraryExampleOptions): void {
  const [nodeTypesName, nodeTypesRange] = NODE_TYPES.split(/(?<=.)@/);
  new JsonFile(root, `${options.outdir}/package.json`, {
    marker: false,
    obj: {
      name: options.name,
      private: true,
      version: '0.0.0',
      description: options.description,
      license: LIBRARY_LICENSE,
      scripts: { build: 'tsc -p .', start: 'node lib/main.js' },
      engines: { node: '>=20.19' },
      dependencies: Object.fromEntries(options.libraries.map((lib) => [lib.package.packageName, `^${WORKSPACE_VERSION}`])),
      devDependencies: { [nodeTypesName]: nodeTypesRange, typescript: TYPESCRIPT_VERSION },
    },
  });
  new JsonFile(root, `${options.outdir}/tsconfig.json`, {
    marker: false,
    obj: {
      compilerOptions: {
        strict: true,
        module: 'node16',
        moduleResolution: 'node16',
        target: 'ES2022',
        lib: ['es2022'],
        types: ['node'],
        rootDir: 'src',
        outDir: 'lib',
        // The packages' declarations (and their dependencies') are type-checked too: a consumer must not need skipLibCheck.
        skipLibCheck: false,
      },
      include: ['src/**/*.ts'],
    },
  });
  root.gitignore.exclude(`/${options.outdir}/lib/`, `/${options.outdir}/node_modules/`, `/${options.outdir}/package-lock.json`);
}

/** TypeDoc renders the API reference as Markdown, so that it lives in docs/ and reads on any Git host. */
export const API_DOCS_DEV_DEPS = ['typedoc@~0.28.20', 'typedoc-plugin-markdown@~4.14.1'];

/**
 * `npm run api`: updates every library's API report (API Extractor, `api/<name>.api.md`), then the API reference in
 * docs/api/ (TypeDoc, from each package's `src/index.ts` and its TSDoc).
 */
export function addApiDocs(root: typescript.TypeScriptProject, libraries: readonly typescript.TypeScriptProject[]): void {
  // No projen marker key: TypeDoc refuses unknown options.
  new JsonFile(root, 'typedoc.json', {
    marker: false,
    obj: {
      $schema: 'https://typedoc.org/schema.json',
      entryPointStrategy: 'packages',
      // The root tsconfig compiles nothing; each package is read through its own tsconfig.
      tsconfig: relative(root.outdir, `${libraries[0].outdir}/tsconfig.json`),
      entryPoints: libraries.map((lib) => relative(root.outdir, lib.outdir)),
      // Each package is converted with these options, not the ones below: without sources there, TypeDoc
      // looks for a git remote, and a clone without `origin` fails the warnings-as-errors build.
      packageOptions: { entryPoints: ['src/index.ts'], readme: 'none', disableSources: true },
      plugin: ['typedoc-plugin-markdown'],
      // One page per package: a few files to review, not hundreds.
      outputFileStrategy: 'modules',
      out: 'docs/api',
      name: 'orgmeta library API',
      readme: 'none',
      // No links to a Git host (docs/ never links outside the repository) and no commit hashes: the output only changes with the API.
      disableSources: true,
      hideGenerator: true,
      excludePrivate: true,
      excludeInternal: true,
      cleanOutputDir: true,
      validation: { notExported: true, invalidLink: true, notDocumented: false },
      treatWarningsAsErrors: true,
    },
  });
  root.addTask('api', {
    description: "Updates each library's API report (api/*.api.md) and the API reference in docs/api/ after a reviewed API change",
    env: { NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    steps: [{ exec: 'nx run-many -t api --output-style=stream' }, { exec: 'typedoc' }],
  });
}
