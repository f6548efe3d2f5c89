import { CHANGE_COLUMNS, type Change } from '@orgmeta/core';
import { escapeFormula, stringifyCsv, type CsvOptions } from './accounts-csv';

/**
 * Change rows as `changes.csv`: the contract's columns in order, RFC 4180, `\n` line ends, and the
 * same formula escaping as the accounts report (names, emails and tag values come from tenants).
 * Rows are written in the order given (diffSnapshots sorts them). Pure.
 */
export function renderChangesCsv(changes: readonly Change[], options: CsvOptions): string {
  const escape = options.escapeFormulas ? escapeFormula : (value: string) => value;
  const rows = changes.map((change) => CHANGE_COLUMNS.map((column) => escape(change[column])));
  return stringifyCsv([CHANGE_COLUMNS, ...rows]);
}
