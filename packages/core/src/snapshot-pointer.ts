import type { Snapshot } from './snapshot';
import type { ObjectReader } from './snapshot-ports';

/**
 * A pointer per tenant to its latest successful snapshot, so the next run finds its
 * baseline with one read instead of listing the bucket or the output folder. Written
 * last, after every object of a succeeded tenant, so a failed tenant moves nothing.
 */

export const SNAPSHOT_POINTER_CONTENT_TYPE = 'application/json';
/** The version of the snapshot pointer format this package writes and reads. */
export const SNAPSHOT_POINTER_VERSION = 1;

/** The snapshot formats a run can write (SPEC `--formats`). */
export type SnapshotFormat = 'csv' | 'parquet';

/** The object that names a tenant's latest snapshot: its run, its objects and how its CSV was written. */
export interface SnapshotPointer {
  readonly version: typeof SNAPSHOT_POINTER_VERSION;
  readonly tenantId: string;
  readonly runId: string;
  /** The run's `collected_at` (ISO 8601 UTC with milliseconds). */
  readonly collectedAt: string;
  /** What that run wrote; `csv` is always there. */
  readonly formats: readonly SnapshotFormat[];
  /** Relative keys (S3 key, or path under the output folder) of the snapshot's objects. */
  readonly keys: { readonly csv: string; readonly parquet?: string };
  /**
   * The CSV's tag columns when `--tag-keys` fixed them; absent when the CSV has a column for
   * every tag key found. Only a CSV-only baseline needs it, to compare just the tags it recorded.
   */
  readonly csvTagKeys?: readonly string[];
  /** `false` when the CSV was written with `--no-escape-formulas`; absent means escaped. */
  readonly csvFormulasEscaped?: boolean;
}

/** `<prefix>_latest/tenant_id=<id>.json`: outside every `dt=` partition, and `_` keeps query engines off it. */
export function snapshotPointerKey(prefix: string, tenantId: string): string {
  return `${prefix}_latest/tenant_id=${tenantId}.json`;
}

/** The JSON text of a tenant's snapshot pointer (the object that names its latest snapshot). */
export function renderSnapshotPointer(pointer: SnapshotPointer): string {
  return `${JSON.stringify(pointer, null, 2)}\n`;
}

export type PointerParseResult = { readonly pointer: SnapshotPointer } | { readonly problem: string };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Validates a pointer's JSON; a problem is a sentence for a warning, never a throw. */
export function parseSnapshotPointer(text: string, tenantId: string): PointerParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'it is not valid JSON' };
  }
  if (!isRecord(json)) return { problem: 'it is not a JSON object' };
  if (json.version !== SNAPSHOT_POINTER_VERSION)
    return { problem: `its version is ${JSON.stringify(json.version)}, not ${SNAPSHOT_POINTER_VERSION}` };
  if (json.tenantId !== tenantId) return { problem: `it names tenant ${JSON.stringify(json.tenantId)}` };
  if (!isNonEmptyString(json.runId)) return { problem: 'it has no runId' };
  if (typeof json.collectedAt !== 'string' || !ISO_INSTANT.test(json.collectedAt) || Number.isNaN(Date.parse(json.collectedAt))) {
    return { problem: 'its collectedAt is not an ISO 8601 UTC instant' };
  }
  const formats = json.formats;
  if (!Array.isArray(formats) || !formats.includes('csv') || formats.some((f) => f !== 'csv' && f !== 'parquet')) {
    return { problem: 'its formats are not a list of csv and parquet including csv' };
  }
  const keys = json.keys;
  if (!isRecord(keys) || !isNonEmptyString(keys.csv)) return { problem: 'it has no keys.csv' };
  const wantsParquet = formats.includes('parquet');
  if (wantsParquet !== isNonEmptyString(keys.parquet)) return { problem: 'its keys.parquet does not match its formats' };
  const tagKeys = json.csvTagKeys;
  if (tagKeys !== undefined && (!Array.isArray(tagKeys) || !tagKeys.every((k) => typeof k === 'string'))) {
    return { problem: 'its csvTagKeys is not a list of strings' };
  }
  const escaped = json.csvFormulasEscaped;
  if (escaped !== undefined && typeof escaped !== 'boolean') return { problem: 'its csvFormulasEscaped is not a boolean' };
  return {
    pointer: {
      version: SNAPSHOT_POINTER_VERSION,
      tenantId,
      runId: json.runId,
      collectedAt: json.collectedAt,
      formats: wantsParquet ? ['csv', 'parquet'] : ['csv'],
      keys: wantsParquet ? { csv: keys.csv, parquet: keys.parquet as string } : { csv: keys.csv },
      ...(tagKeys === undefined ? {} : { csvTagKeys: tagKeys as string[] }),
      ...(escaped === undefined ? {} : { csvFormulasEscaped: escaped }),
    },
  };
}

/** Reads a snapshot back from the objects a run wrote; the format packages supply them. */
export interface SnapshotParsers {
  /** `accounts.parquet` → snapshot; without it a Parquet snapshot is skipped for the CSV. */
  readonly parquet?: (bytes: Uint8Array) => Snapshot | Promise<Snapshot>;
  /** `accounts.csv` → snapshot; the CSV has no run ID, and no tags but its columns. */
  readonly csv: (text: string, context: CsvSnapshotContext) => Snapshot;
}

/** What the pointer knows about an `accounts.csv` that the file itself does not say. */
export interface CsvSnapshotContext {
  readonly tenantId: string;
  readonly runId: string;
  readonly collectedAt: string;
  /** Only these tag keys were recorded (`--tag-keys`); absent: a column for every key found. */
  readonly recordedTagKeys?: readonly string[];
  /** Whether data cells were formula-escaped (default true), so the `'` prefix is undone only where it was added. */
  readonly formulasEscaped?: boolean;
}

/** A tenant's baseline: the snapshot (when one was found and readable) and what went wrong on the way. */
export interface PreviousSnapshot {
  readonly snapshot?: Snapshot;
  readonly pointer?: SnapshotPointer;
  /** Why there is no baseline, or why the CSV stood in for the Parquet; for the log. */
  readonly warnings: readonly string[];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The tenant's most recent earlier successful snapshot, through its pointer: the Parquet
 * snapshot when there is one (it has every tag), else the CSV. Never throws: a missing
 * pointer is no baseline; an unreadable or corrupt one is no baseline with a warning.
 */
export async function loadPreviousSnapshot(
  reader: ObjectReader,
  prefix: string,
  tenantId: string,
  parsers: SnapshotParsers,
): Promise<PreviousSnapshot> {
  const pointerKey = snapshotPointerKey(prefix, tenantId);
  const warnings: string[] = [];
  const noBaseline = (reason: string): PreviousSnapshot => ({
    warnings: [...warnings, `Tenant ${tenantId}: no baseline for change detection: ${reason}`],
  });
  let bytes: Uint8Array | undefined;
  try {
    bytes = await reader.readObject(pointerKey);
  } catch (error) {
    return noBaseline(`the snapshot pointer ${pointerKey} could not be read (${describe(error)})`);
  }
  if (!bytes) return { warnings };
  const parsed = parseSnapshotPointer(new TextDecoder().decode(bytes), tenantId);
  if ('problem' in parsed) return noBaseline(`the snapshot pointer ${pointerKey} is ignored: ${parsed.problem}`);
  const { pointer } = parsed;

  if (pointer.keys.parquet && parsers.parquet) {
    const key = pointer.keys.parquet;
    try {
      const parquet = await reader.readObject(key);
      if (parquet) return { snapshot: await parsers.parquet(parquet), pointer, warnings };
      warnings.push(`Tenant ${tenantId}: the previous snapshot ${key} is missing; comparing with its CSV`);
    } catch (error) {
      warnings.push(`Tenant ${tenantId}: the previous snapshot ${key} could not be read (${describe(error)}); comparing with its CSV`);
    }
  }
  const key = pointer.keys.csv;
  try {
    const csv = await reader.readObject(key);
    if (!csv) return noBaseline(`the previous report ${key} named by ${pointerKey} is missing`);
    const context: CsvSnapshotContext = {
      tenantId,
      runId: pointer.runId,
      collectedAt: pointer.collectedAt,
      ...(pointer.csvTagKeys ? { recordedTagKeys: pointer.csvTagKeys } : {}),
      ...(pointer.csvFormulasEscaped === undefined ? {} : { formulasEscaped: pointer.csvFormulasEscaped }),
    };
    return { snapshot: parsers.csv(new TextDecoder().decode(csv), context), pointer, warnings };
  } catch (error) {
    return noBaseline(`the previous report ${key} could not be read (${describe(error)})`);
  }
}
