import { partitionDate } from './report-layout';

/**
 * Symlink manifests for the SQL tables (docs/sql.md). Athena reads every file under a table's
 * location, and a tenant's folder holds `accounts.csv`, `accounts.parquet`, `changes.csv`… side by
 * side (a layout Part 2 may not change), so the Glue tables do not point at those folders: each
 * table's location is a folder of small text files instead, each listing the full URI of one
 * Parquet object (Hive's SymlinkTextInputFormat, as S3 Inventory's `hive/dt=…/symlink.txt`).
 */

/** The Glue tables, each over one Parquet dataset (`<table>.parquet` in every tenant's folder). */
export const SQL_TABLES = ['accounts', 'changes'] as const;
export type SqlTable = (typeof SQL_TABLES)[number];

export const TABLE_MANIFEST_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * `<prefix>tables/<table>/`: the table's root; each day's manifests are under `dt=<YYYY-MM-DD>/`
 * (the Glue table's `storage.location.template`). Not under a `dt=` or `tenant_id=` folder, so no
 * other table or listing sees them, and no segment starts with `_` or `.` (names Hive treats as hidden).
 */
export function tableManifestRoot(prefix: string, table: SqlTable): string {
  return `${prefix}tables/${table}/`;
}

/** `<prefix>tables/<table>/dt=<YYYY-MM-DD>/<tenant_id>.txt`: one per tenant and day; a same-day re-run overwrites it. */
export function tableManifestKey(prefix: string, startedAt: Date, tenantId: string, table: SqlTable): string {
  return `${tableManifestRoot(prefix, table)}dt=${partitionDate(startedAt)}/${tenantId}.txt`;
}

/** A manifest to write once its Parquet object is stored. */
export interface TableManifest {
  readonly table: SqlTable;
  readonly key: string;
  /** The key of the Parquet object it lists; each sink turns it into the URI a query engine reads. */
  readonly target: string;
}

/** The manifest's text: the object's full URI on one line, as SymlinkTextInputFormat reads it. */
export function renderTableManifest(uris: readonly string[]): string {
  return uris.map((uri) => `${uri}\n`).join('');
}
