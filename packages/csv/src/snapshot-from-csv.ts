import {
  SNAPSHOT_FIXED_COLUMNS,
  sortSnapshotAccounts,
  type CsvSnapshotContext,
  type Snapshot,
  type SnapshotAccount,
  type SnapshotFixedColumn,
} from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import { escapeFormula } from './accounts-csv';
import { CsvSnapshotError } from './errors';

const TAG_PREFIX = 'tag:';

/**
 * Undoes the writer's formula escaping: the `'` comes off only where the writer put it, in
 * front of a value it would escape; a value that itself starts with `'` keeps it.
 */
export function unescapeFormula(cell: string): string {
  if (!cell.startsWith("'")) return cell;
  const rest = cell.slice(1);
  return escapeFormula(rest) !== rest ? rest : cell;
}

function parseRows(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: false, skip_empty_lines: true });
  } catch (error) {
    throw new CsvSnapshotError(`not an RFC 4180 CSV (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/**
 * An `accounts.csv` read back as a snapshot, the baseline when a run wrote no Parquet: the fixed
 * columns, the detail columns between `collected_at` and the tags, and the tags of the `tag:`
 * columns (an empty cell means the tag was absent). What the file cannot say (run ID, escaping,
 * which tags were recorded) comes from the context.
 */
export function snapshotFromCsv(text: string, context: CsvSnapshotContext): Snapshot {
  const [header, ...rows] = parseRows(text);
  if (!header) throw new CsvSnapshotError('the file is empty');
  const fixed = header.slice(0, SNAPSHOT_FIXED_COLUMNS.length);
  if (fixed.join(',') !== SNAPSHOT_FIXED_COLUMNS.join(',')) {
    throw new CsvSnapshotError(`the header does not start with the report's fixed columns (${SNAPSHOT_FIXED_COLUMNS.join(', ')})`);
  }
  const rest = header.slice(SNAPSHOT_FIXED_COLUMNS.length);
  const firstTag = rest.findIndex((column) => column.startsWith(TAG_PREFIX));
  const detailColumns = firstTag === -1 ? rest : rest.slice(0, firstTag);
  const tagColumns = firstTag === -1 ? [] : rest.slice(firstTag);
  if (tagColumns.some((column) => !column.startsWith(TAG_PREFIX))) throw new CsvSnapshotError('a detail column follows the tag columns');
  const value = context.formulasEscaped === false ? (cell: string) => cell : unescapeFormula;

  const accounts = rows.map((cells): SnapshotAccount => {
    const data = cells.map(value);
    const fields = Object.fromEntries(SNAPSHOT_FIXED_COLUMNS.map((name, i) => [name, data[i] ?? ''])) as Record<
      SnapshotFixedColumn,
      string
    >;
    const after = data.slice(SNAPSHOT_FIXED_COLUMNS.length);
    return {
      fields,
      details: new Map(detailColumns.map((column, i) => [column, after[i] ?? ''])),
      tags: new Map(
        tagColumns
          .map((column, i): [string, string] => [column.slice(TAG_PREFIX.length), after[detailColumns.length + i] ?? ''])
          .filter(([, tag]) => tag !== ''),
      ),
    };
  });
  const otherTenant = accounts.find((a) => a.fields.tenant_id !== context.tenantId);
  if (otherTenant) throw new CsvSnapshotError(`the file holds tenant ${otherTenant.fields.tenant_id}, not ${context.tenantId}`);
  return {
    tenantId: context.tenantId,
    runId: context.runId,
    collectedAt: context.collectedAt,
    hasOuPaths: accounts.some((a) => a.fields.ou_path !== ''),
    detailColumns,
    ...(context.recordedTagKeys ? { recordedTagKeys: context.recordedTagKeys } : {}),
    accounts: sortSnapshotAccounts(accounts),
  };
}
