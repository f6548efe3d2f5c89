import type { typescript } from 'projen';

/** ESM-only packages @orgmeta/parquet loads (hyparquet-writer and its reader). */
export const PARQUET_ESM_MODULES = ['hyparquet', 'hyparquet-writer'];

/**
 * Jest's module loader cannot require() an ES module on Node 20 (Node itself can since 20.19), so every
 * package whose tests load these modules, directly or through a workspace package, has jest transpile
 * just those files to CommonJS. Lambda bundles need nothing: esbuild converts them.
 */
export function jestTranspilesEsm(pkg: typescript.TypeScriptProject, modules: readonly string[]): void {
  const names = modules.map((m) => m.replace(/[.+]/g, '\\$&')).join('|');
  const jestConfig = pkg.tryFindObjectFile('jest.config.json');
  // One override of the whole key (its name holds dots, which addOverride reads as a path); merged with projen's.
  jestConfig?.addOverride('transform', {
    [`/node_modules/(${names})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } },
    ],
  });
  jestConfig?.addOverride('transformIgnorePatterns', [`/node_modules/(?!(${names})/)`]);
}

/**
 * A CommonJS package that imports ESM-only modules in its own sources: TypeScript's `node20` module
 * mode types require() of ES modules as Node >= 20.19 runs it (`node16` rejects it with TS1479).
 */
export function importsEsm(pkg: typescript.TypeScriptProject, modules: readonly string[]): void {
  pkg.tsconfig?.file.addOverride('compilerOptions.module', 'node20');
  jestTranspilesEsm(pkg, modules);
}
