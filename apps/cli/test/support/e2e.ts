import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Objects, emulatorEnvironment, motoEndpoint, runOrgmeta, type CliResult } from '@orgmeta/test-support';

export { motoEndpoint };

/** This package's own `orgmeta` bin (the committed launcher npm links), which runs the compiled CLI. */
export const ORGMETA_BIN = join(__dirname, '..', '..', 'bin', 'orgmeta');

/** A fresh working directory for one CLI run (the CLI reads `.env` from it). */
export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'orgmeta-e2e-'));
}

/** Runs the built CLI against moto with only the given variables set. */
export function orgmeta(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; endpoint?: string } = {},
): Promise<CliResult> {
  return runOrgmeta(args, {
    executable: ORGMETA_BIN,
    cwd: options.cwd ?? workDir(),
    env: { ...emulatorEnvironment(options.endpoint ?? motoEndpoint()), ...options.env },
  });
}

const objects = () => new S3Objects(motoEndpoint());
export const listKeys = (bucket: string) => objects().keys(bucket);
export const getText = (bucket: string, key: string) => objects().text(bucket, key);
export const getBytes = (bucket: string, key: string) => objects().bytes(bucket, key);
export const head = (bucket: string, key: string) => objects().head(bucket, key);

/** Every file below a directory, as paths relative to it. */
export function filesUnder(dir: string, base = dir): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [path.slice(base.length + 1)];
  });
}
