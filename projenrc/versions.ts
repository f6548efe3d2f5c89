// Exact SDK version: every client must share one minor (mixed minors duplicate @smithy/types).
// Versions measured to work together on these machines: TypeScript 7 has no JS API (ts-jest, ts-node and projen break),
// and an exact jest version (30.5.2) makes projen ask for a non-existent @types/jest of that version, hence ^30.
export const TYPESCRIPT_VERSION = '5.9.3';
export const JEST_VERSION = '^30';
export const AWS_SDK_VERSION = '3.1169.0';
export const NODE_TYPES = '@types/node@^20';
