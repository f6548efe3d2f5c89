import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One tarball `npm pack` made, and the files in it. */
export interface PackedLibrary {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  readonly files: readonly string[];
}

/**
 * The environment of a child npm or node: without the `npm_*` variables of the `npm test` that runs
 * this test (they point npm at the workspace), and without NODE_PATH (no resolution into the workspace).
 */
export function outsiderEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_PATH' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...extra };
}

/** `npm pack` of the workspace packages in `dirs` (relative to `repoRoot`, already compiled) into `destination`. */
export function packLibraries(repoRoot: string, dirs: readonly string[], destination: string): PackedLibrary[] {
  mkdirSync(destination, { recursive: true });
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', destination, ...dirs.flatMap((dir) => ['-w', dir])], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: outsiderEnvironment(),
  });
  const packed = JSON.parse(json) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return packed.map((p) => ({
    name: p.name,
    version: p.version,
    tarball: join(destination, p.filename),
    files: p.files.map((f) => f.path),
  }));
}

/** The `package.json` inside a tarball, as a consumer's npm reads it. */
export function packedManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
}

/**
 * A copy of the example project in `directory` that installs the packed libraries from their tarballs instead of the
 * registry, and no TypeScript of its own (the caller compiles with the workspace's, by path).
 */
export function consumerProject(exampleDir: string, directory: string, libraries: readonly PackedLibrary[]): void {
  mkdirSync(directory, { recursive: true });
  cpSync(join(exampleDir, 'src'), join(directory, 'src'), { recursive: true });
  cpSync(join(exampleDir, 'tsconfig.json'), join(directory, 'tsconfig.json'));
  const manifest = JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies)) {
    const packed = libraries.find((lib) => lib.name === name);
    if (!packed) throw new Error(`The example depends on ${name}, which was not packed: add it to the packed packages.`);
    manifest.dependencies[name] = `file:${packed.tarball}`;
  }
  delete manifest.devDependencies.typescript;
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
