import { CHANGE_COLUMNS, CHANGE_KINDS, type Change, type ChangeKind } from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import { CsvSnapshotError } from './errors';
import { unescapeFormula } from './snapshot-from-csv';

/** A `changes.csv` read back (for `orgmeta changes`), the writer's formula escaping undone. */
export function changesFromCsv(text: string): Change[] {
  const [header, ...rows] = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  if (!header || header.join(',') !== CHANGE_COLUMNS.join(',')) throw new CsvSnapshotError('not a changes.csv: its header differs');
  return rows.map((row) => {
    const cells = Object.fromEntries(CHANGE_COLUMNS.map((column, i) => [column, unescapeFormula(row[i] ?? '')]));
    if (!(CHANGE_KINDS as readonly string[]).includes(cells.change))
      throw new CsvSnapshotError(`unknown change kind ${JSON.stringify(cells.change)}`);
    return { ...cells, change: cells.change as ChangeKind } as Change;
  });
}
