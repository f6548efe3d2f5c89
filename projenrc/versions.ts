// Exact SDK version: every client must share one minor (mixed minors duplicate @smithy/types).
// Versions measured to work together on these machines: TypeScript 7 has no JS API (ts-jest, ts-node and projen break),
// and an exact jest version (30.5.2) makes projen ask for a non-existent @types/jest of that version, hence ^30.
export const TYPESCRIPT_VERSION = '5.9.3';
export const JEST_VERSION = '^30';
export const AWS_SDK_VERSION = '3.1169.0';
export const NODE_TYPES = '@types/node@^20';
/** One version for every workspace package; libraries depend on each other with `^` on it. */
export const WORKSPACE_VERSION = '0.1.0';
/** The license of the packages published for other projects (issue #15). */
export const LIBRARY_LICENSE = 'Apache-2.0';
/** Where the published packages say their source lives (package.json `repository`); set to the real remote before publishing. */
export const REPOSITORY_URL = 'git+https://github.com/orgmeta/orgmeta.git';
/** Guards each library's public API with a committed report (reads the compiled .d.ts with its own TypeScript). */
export const API_EXTRACTOR = '@microsoft/api-extractor@^7.60';
