import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The `orgmeta` executable of the workspace's CLI package, found through the package's own
 * `bin` entry (the committed launcher), as npm links it: never a path into its build output.
 */
export function orgmetaExecutable(): string {
  const manifestPath = require.resolve('@orgmeta/cli/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.orgmeta;
  if (!bin) throw new Error(`${manifestPath} declares no "orgmeta" bin`);
  return join(dirname(manifestPath), bin);
}
