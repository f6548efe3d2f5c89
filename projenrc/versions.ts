// Exact SDK version: every client must share one minor (mixed minors duplicate @smithy/types).
// Versions measured to work together on these machines (TypeScript 7 breaks ts-jest and projen; yargs 18 is ESM-only).
export const TYPESCRIPT_VERSION = '5.9.3';
export const JEST_VERSION = '^30';
export const AWS_SDK_VERSION = '3.1169.0';
export const NODE_TYPES = '@types/node@^20';
