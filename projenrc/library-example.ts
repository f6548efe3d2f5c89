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
