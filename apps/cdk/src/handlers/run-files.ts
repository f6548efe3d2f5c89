import {
  checkpointFolder,
  failedResult,
  safeText,
  sha256Hex,
  type InvalidRecord,
  type KeyAttribute,
  type ObjectReader,
  type ReportObject,
  type SecretMasker,
  type TenantResult,
} from '@orgmeta/core';
import { RESULT_TEXT_LIMITS, boundedTenantResult } from './bounded-result';

/**
 * The fan-out's working files, so nothing fleet-sized travels in the execution state
 * (docs/deployment.md, "Distributed Map"). Everything of one run lives under
 * `<prefix>_runs/<runId>/`, outside the `dt=` partitions the SQL tables read, under one prefix a
 * lifecycle rule can expire:
 *
 * - `tenants.jsonl`: the selected tenants, one JSON object a line (id, name, table key; never an
 *   ExternalId), read by the Distributed Map's item reader, one child execution per line;
 * - `plan.json`: what the plan found besides (`--tenant` IDs not selectable, skipped table rows);
 * - `results/<map run id>/`: the Map's result writer (`manifest.json`, `SUCCEEDED_n.json`, `FAILED_n.json`);
 * - `checkpoints/<tenant id>.json.gz`: paused tenants' checkpoints (resumable tenants), swept when the run ends.
 */

/** One tenant as the Map hands it to its child execution (one line of `tenants.jsonl`). */
export interface TenantRef {
  readonly tenantId: string;
  readonly tenantName: string;
  /** The item's primary key, so the tenant's task reads its one item (GetItem) instead of scanning the table. */
  readonly key?: readonly KeyAttribute[];
}

/** What the plan step writes beside the tenant list: the rest of the run's plan. */
export interface RunPlanFile {
  readonly runId: string;
  readonly startedAt: string;
  readonly notSelected: readonly TenantResult[];
  readonly invalidRecords: readonly InvalidRecord[];
}

export interface RunFileKeys {
  readonly tenants: string;
  readonly plan: string;
  /** Given to the result writer, which adds `/<map run id>/`. */
  readonly results: string;
  /** Where paused tenants' checkpoints are (core's checkpointFolder), ending in `/`. */
  readonly checkpoints: string;
}

export function runFilesPrefix(prefix: string): string {
  return `${prefix}_runs/`;
}

export function runFileKeys(prefix: string, runId: string): RunFileKeys {
  const folder = `${runFilesPrefix(prefix)}${runId}/`;
  return {
    tenants: `${folder}tenants.jsonl`,
    plan: `${folder}plan.json`,
    results: `${folder}results`,
    checkpoints: checkpointFolder(prefix, runId),
  };
}

export function tenantsJsonLines(tenants: readonly TenantRef[]): string {
  return tenants.map((tenant) => `${JSON.stringify(tenant)}\n`).join('');
}

export function parseTenantsJsonLines(text: string, key: string): TenantRef[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const value: unknown = JSON.parse(line);
      if (!isTenantRef(value)) throw new Error(`${key} line ${index + 1} is not a tenant (tenantId, tenantName)`);
      return value;
    });
}

function isTenantRef(value: unknown): value is TenantRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TenantRef).tenantId === 'string' &&
    typeof (value as TenantRef).tenantName === 'string'
  );
}

export function runFileObject(key: string, body: string, contentType: string, runId: string): ReportObject {
  return { key, body, contentType, sha256Hex: sha256Hex(body), metadata: { 'run-id': runId } };
}

/** Where the result writer put its manifest: the Distributed Map's output with a ResultWriter. */
export interface ResultWriterDetails {
  readonly Bucket: string;
  readonly Key: string;
}

/** The result writer's `manifest.json` (AWS docs, "ResultWriter (Map)": files grouped by child status). */
interface ResultWriterManifest {
  readonly ResultFiles?: Readonly<Record<string, readonly { readonly Key: string }[] | undefined>>;
}

/** One child execution in a `SUCCEEDED_n.json` / `FAILED_n.json` file (Transformation NONE, the default). */
interface ChildExecution {
  readonly Status?: string;
  /** The child's input, as JSON text: `{ tenant, runId, startedAt }`. */
  readonly Input?: string;
  /** The child's output, as JSON text: the tenant's result. */
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isTenantResult(value: unknown): value is TenantResult {
  const result = value as TenantResult;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof result.tenantId === 'string' &&
    (result.status === 'succeeded' || result.status === 'failed')
  );
}

/**
 * A child execution's tenant record: a SUCCEEDED child's output is the tenant's result; any other
 * child (a FAILED or TIMED_OUT one, rare: the task catches its own errors) becomes a failed tenant
 * with the child's error and cause, so no tenant is ever lost.
 */
export function tenantRecordOf(child: ChildExecution, secrets: SecretMasker): TenantResult | undefined {
  const output = parseJson(child.Output);
  if (child.Status === 'SUCCEEDED' && isTenantResult(output)) return boundedTenantResult(output, secrets);
  const input = parseJson(child.Input) as { tenant?: unknown } | undefined;
  if (!isTenantRef(input?.tenant)) return undefined;
  const error = child.Error ?? (child.Status === 'SUCCEEDED' ? 'TenantResultUnreadable' : 'ChildExecutionNotSucceeded');
  return boundedTenantResult(
    failedResult(input.tenant, {
      code: safeText(error, secrets, RESULT_TEXT_LIMITS.code),
      message: `The tenant's child execution ended ${child.Status ?? 'without a status'}: ${safeText(child.Cause ?? error, secrets, RESULT_TEXT_LIMITS.message)}`,
      hint: 'See the child execution in the Map Run of this execution (Step Functions console) and the CollectTenant logs; redrive the execution or collect the tenant again with orgmeta collect --retry-failed.',
    }),
    secrets,
  );
}

/**
 * Every tenant record the result writer stored, reading one result file at a time (each is parsed
 * and let go before the next is read), keyed by tenant ID.
 */
export async function readChildResults(
  store: ObjectReader,
  details: ResultWriterDetails,
  secrets: SecretMasker,
): Promise<Map<string, TenantResult>> {
  const manifestBytes = await store.readObject(details.Key);
  if (!manifestBytes) throw new Error(`The result writer's manifest s3://${details.Bucket}/${details.Key} does not exist`);
  const manifest = JSON.parse(decode(manifestBytes)) as ResultWriterManifest;
  const records = new Map<string, TenantResult>();
  // SUCCEEDED last: when a redriven child succeeded after failing, its success wins.
  for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING', 'SUCCEEDED']) {
    for (const file of manifest.ResultFiles?.[status] ?? []) {
      const bytes = await store.readObject(file.Key);
      if (!bytes) throw new Error(`The result file s3://${details.Bucket}/${file.Key} listed in ${details.Key} does not exist`);
      const children = JSON.parse(decode(bytes)) as readonly ChildExecution[];
      for (const child of children) {
        const record = tenantRecordOf({ Status: status, ...child }, secrets);
        if (record) records.set(record.tenantId, record);
      }
    }
  }
  return records;
}

/** A selected tenant the result files say nothing about (the Map run stopped before it, or failed: `mapError`). */
export function missingResult(tenant: TenantRef, mapError?: string): TenantResult {
  return failedResult(tenant, {
    code: 'TenantResultMissing',
    message: mapError
      ? `The Distributed Map failed (${mapError}) before a result of this tenant was filed; its reports may be in the bucket anyway.`
      : 'No child execution of the Map run reported a result for this tenant.',
    hint: 'See the Map Run of this execution (Step Functions console); collect the tenant again with orgmeta collect --retry-failed <runId>.',
  });
}
