import {
  ACCOUNTS_DATASET_COLUMNS,
  DETAIL_COLUMNS,
  SNAPSHOT_FIXED_COLUMNS,
  SNAPSHOT_TIMESTAMP_COLUMNS,
  sortSnapshotAccounts,
  type DatasetColumn,
  type Snapshot,
  type SnapshotAccount,
  type SnapshotFixedColumn,
} from '@orgmeta/core';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ParquetSnapshotError } from './errors';
import { parquetSchema } from './parquet-schema';
import { instantFromCell, instantOrNull, stringFromCell, stringOrNull, tagsFromCell } from './values';

/** Key-value metadata of each `accounts.parquet`: what the rows alone cannot say (which columns were collected). */
export const SNAPSHOT_METADATA_KEY = 'orgmeta.snapshot';
/** `created_by` of every file this package writes. */
export const CREATED_BY = 'orgmeta';

interface SnapshotMetadata {
  readonly version: 1;
  readonly tenantId: string;
  readonly runId: string;
  readonly collectedAt: string;
  readonly hasOuPaths: boolean;
  readonly detailColumns: readonly string[];
}

const TIMESTAMP_COLUMNS: readonly string[] = SNAPSHOT_TIMESTAMP_COLUMNS;
const KNOWN_DETAIL_COLUMNS: readonly string[] = DETAIL_COLUMNS;

/**
 * The schema of one snapshot: the dataset's columns, plus any detail column the snapshot has
 * that the dataset does not know yet (add it to DETAIL_COLUMNS so every file has it).
 */
function accountsColumns(snapshot: Snapshot): DatasetColumn[] {
  const extra = snapshot.detailColumns.filter((c) => !KNOWN_DETAIL_COLUMNS.includes(c));
  const tagsAt = ACCOUNTS_DATASET_COLUMNS.findIndex((c) => c.name === 'tags');
  return [
    ...ACCOUNTS_DATASET_COLUMNS.slice(0, tagsAt),
    ...extra.map((name) => ({ name, type: 'string' as const })),
    ...ACCOUNTS_DATASET_COLUMNS.slice(tagsAt),
  ];
}

function columnValues(snapshot: Snapshot, column: DatasetColumn): (string | Date | Map<string, string> | null)[] {
  const { accounts } = snapshot;
  if (column.name === 'tags') return accounts.map((a) => new Map(a.tags));
  if (column.name === 'run_id') return accounts.map(() => snapshot.runId);
  if ((SNAPSHOT_FIXED_COLUMNS as readonly string[]).includes(column.name)) {
    const name = column.name as SnapshotFixedColumn;
    return TIMESTAMP_COLUMNS.includes(name)
      ? accounts.map((a) => instantOrNull(a.fields[name], name))
      : accounts.map((a) => stringOrNull(a.fields[name]));
  }
  // A detail column the run did not collect is NULL, as is an empty one.
  const collected = snapshot.detailColumns.includes(column.name);
  return accounts.map((a) => (collected ? stringOrNull(a.details.get(column.name) ?? '') : null));
}

/**
 * A snapshot as `accounts.parquet`: one schema for every tenant and run (the 15 fixed columns,
 * every known detail column, `tags` as `MAP<STRING,STRING>` with every tag, `run_id`); empty
 * values are NULL; no formula escaping. Pure: the same snapshot gives the same bytes.
 */
export function writeAccountsParquet(snapshot: Snapshot): Uint8Array {
  const columns = accountsColumns(snapshot);
  const metadata: SnapshotMetadata = {
    version: 1,
    tenantId: snapshot.tenantId,
    runId: snapshot.runId,
    collectedAt: snapshot.collectedAt,
    hasOuPaths: snapshot.hasOuPaths,
    detailColumns: snapshot.detailColumns,
  };
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(columns),
    columnData: columns.map((column) => ({ name: column.name, data: columnValues(snapshot, column) })),
    kvMetadata: [{ key: SNAPSHOT_METADATA_KEY, value: JSON.stringify(metadata) }],
    createdBy: CREATED_BY,
  });
  return new Uint8Array(buffer);
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSnapshotMetadata(value: string | undefined): Partial<SnapshotMetadata> {
  if (value === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new ParquetSnapshotError(`the ${SNAPSHOT_METADATA_KEY} metadata is not JSON`, { cause: error });
  }
  if (!isRecord(json)) throw new ParquetSnapshotError(`the ${SNAPSHOT_METADATA_KEY} metadata is not an object`);
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  return {
    tenantId: typeof json.tenantId === 'string' ? json.tenantId : undefined,
    runId: typeof json.runId === 'string' ? json.runId : undefined,
    collectedAt: typeof json.collectedAt === 'string' ? json.collectedAt : undefined,
    hasOuPaths: typeof json.hasOuPaths === 'boolean' ? json.hasOuPaths : undefined,
    detailColumns: strings(json.detailColumns),
  };
}

/**
 * An `accounts.parquet` read back as a snapshot (with every tag). Which detail columns and
 * whether OU paths were collected come from the file's metadata; a file without it (written
 * elsewhere) counts the detail columns that hold a value and OU paths when any account has one.
 */
export async function readAccountsParquet(bytes: Uint8Array): Promise<Snapshot> {
  const file = arrayBufferOf(bytes);
  let rows: Record<string, unknown>[];
  let stored: Partial<SnapshotMetadata>;
  let fileColumns: string[];
  try {
    const metadata = parquetMetadata(file);
    stored = readSnapshotMetadata(metadata.key_value_metadata?.find((kv) => kv.key === SNAPSHOT_METADATA_KEY)?.value);
    fileColumns = metadata.schema.slice(1).map((element) => element.name);
    rows = await parquetReadObjects({ file, metadata, rowFormat: 'object' });
  } catch (error) {
    if (error instanceof ParquetSnapshotError) throw error;
    throw new ParquetSnapshotError(`not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  for (const column of ['account_id', 'tags']) {
    if (!fileColumns.includes(column)) throw new ParquetSnapshotError(`the file has no ${column} column`);
  }
  const detailColumns =
    stored.detailColumns ??
    fileColumns.filter((c) => KNOWN_DETAIL_COLUMNS.includes(c) && rows.some((row) => stringFromCell(row[c], c) !== ''));
  const accounts = rows.map((row): SnapshotAccount => ({
    fields: Object.fromEntries(
      SNAPSHOT_FIXED_COLUMNS.map((name) => [
        name,
        TIMESTAMP_COLUMNS.includes(name) ? instantFromCell(row[name], name) : stringFromCell(row[name], name),
      ]),
    ) as Record<SnapshotFixedColumn, string>,
    details: new Map(detailColumns.map((c) => [c, stringFromCell(row[c], c)])),
    tags: tagsFromCell(row.tags, 'tags'),
  }));
  const first = accounts[0]?.fields;
  const runId = stored.runId ?? stringFromCell(rows[0]?.run_id, 'run_id');
  const tenantId = stored.tenantId ?? first?.tenant_id ?? '';
  if (runId === '' || tenantId === '') throw new ParquetSnapshotError('the file names no run or tenant');
  return {
    tenantId,
    runId,
    collectedAt: stored.collectedAt ?? first?.collected_at ?? '',
    hasOuPaths: stored.hasOuPaths ?? accounts.some((a) => a.fields.ou_path !== ''),
    detailColumns,
    accounts: sortSnapshotAccounts(accounts),
  };
}
