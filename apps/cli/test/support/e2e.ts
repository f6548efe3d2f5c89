import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientOptions, emulatorEnvironment, runOrgmeta, type CliResult } from '@orgmeta/test-support';

export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: the jest globalSetup starts moto');
  return endpoint;
}

/** A fresh working directory for one CLI run (the CLI reads `.env` from it). */
export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'orgmeta-e2e-'));
}

/** Runs the built CLI against moto with only the given variables set. */
export function orgmeta(args: string[], options: { env?: Record<string, string>; cwd?: string; endpoint?: string } = {}): Promise<CliResult> {
  return runOrgmeta(args, {
    cwd: options.cwd ?? workDir(),
    env: { ...emulatorEnvironment(options.endpoint ?? motoEndpoint()), ...options.env },
  });
}

export function s3(): S3Client {
  return new S3Client({ ...clientOptions(motoEndpoint()), forcePathStyle: true });
}

export async function listKeys(bucket: string): Promise<string[]> {
  const { Contents } = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (Contents ?? []).map((o) => o.Key ?? '').sort();
}

export async function getText(bucket: string, key: string): Promise<string> {
  const { Body } = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString('utf-8')) ?? '';
}

export async function head(bucket: string, key: string) {
  return s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
}

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
