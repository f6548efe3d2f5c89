import { randomUUID } from 'node:crypto';
import type { TenantResult } from '@orgmeta/core';
import { S3Objects, motoEndpoint } from '@orgmeta/test-support';
import type { ListTenantsOutput, TenantRef } from '../../src/handlers/fanout';

/** How one child execution ended, as the result writer files it. */
export type ChildOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: TenantResult }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string };

/** The input the Map's ItemSelector gives each child execution. */
export interface ChildInput {
  readonly tenant: TenantRef;
  readonly runId: string;
  readonly startedAt: string;
}

export interface DistributedMapOptions {
  /** Children run at once, as the Map's MaxConcurrency. @default 1 (one after the other) */
  readonly maxConcurrency?: number;
  /** The S3 endpoint holding the run's files. @default the jest run's moto */
  readonly endpoint?: string;
}

/** Runs `task` over every item with at most `limit` in flight; results in the items' order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Plays the Distributed Map against moto as Step Functions does (moto's interpreter cannot: it has
 * no JSONL item reader and writes an empty result manifest): reads the run's tenant list from S3 with
 * the keys the plan step returned, runs each child (at most `maxConcurrency` at once), and writes the
 * result writer's layout (AWS docs, "ResultWriter (Map)"): `<prefix>/<map run id>/manifest.json` listing
 * `SUCCEEDED_0.json` / `FAILED_0.json`, each a JSON array of child executions whose `Input` and
 * `Output` are JSON text. Returns the Map's output (`ResultWriterDetails`).
 */
export async function runDistributedMap(
  run: ListTenantsOutput,
  child: (input: ChildInput) => Promise<ChildOutcome>,
  options: DistributedMapOptions = {},
): Promise<{ MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } }> {
  const s3 = new S3Objects(options.endpoint ?? motoEndpoint());
  const lines = (await s3.text(run.bucket, run.tenantsKey)).split('\n').filter(Boolean);
  const mapRunId = randomUUID();
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:OrgmetaCollector-collector/CollectEachTenant:${mapRunId}`;
  const files: Record<'SUCCEEDED' | 'FAILED', Record<string, unknown>[]> = { SUCCEEDED: [], FAILED: [] };
  const children = await mapWithConcurrency(lines, options.maxConcurrency ?? 1, async (line) => {
    const input: ChildInput = { tenant: JSON.parse(line) as TenantRef, runId: run.runId, startedAt: run.startedAt };
    const startDate = new Date().toISOString();
    return { input, startDate, outcome: await child(input) };
  });
  for (const { input, startDate, outcome } of children) {
    const name = randomUUID();
    const common = {
      ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:OrgmetaCollector-collector/CollectEachTenant:${name}`,
      Input: JSON.stringify(input),
      InputDetails: { Included: true },
      Name: name,
      RedriveCount: 0,
      RedriveStatus: outcome.status === 'FAILED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      StartDate: startDate,
      StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:OrgmetaCollector-collector/CollectEachTenant`,
      Status: outcome.status,
      StopDate: new Date().toISOString(),
    };
    files[outcome.status].push(
      outcome.status === 'SUCCEEDED'
        ? { ...common, Output: JSON.stringify(outcome.output), OutputDetails: { Included: true } }
        : { ...common, Error: outcome.error, Cause: outcome.cause },
    );
  }
  const folder = `${run.resultsPrefix}/${mapRunId}/`;
  const resultFiles: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    if (files[status].length === 0) continue;
    const key = `${folder}${status}_0.json`;
    const body = JSON.stringify(files[status]);
    await s3.put(run.bucket, key, body);
    resultFiles[status].push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${folder}manifest.json`;
  await s3.put(run.bucket, manifestKey, JSON.stringify({ DestinationBucket: run.bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles }));
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: run.bucket, Key: manifestKey } };
}
