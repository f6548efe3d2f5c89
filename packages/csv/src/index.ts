/**
 * Account reports as RFC 4180 CSV: the fixed column order, tag columns and formula escaping of orgmeta's
 * `accounts.csv`, `changes.csv` and `tag-coverage.csv`, and an `accounts.csv` read back as a snapshot.
 * {@link accountsCsvRenderer} is the renderer core's pipeline takes; {@link csvOutputs} the rest of its CSV outputs.
 *
 * @packageDocumentation
 */
export { accountsCsvRenderer, FIXED_COLUMNS, renderAccountsCsv, REPORT_COLUMNS, stringifyCsv } from './accounts-csv';
export type { CsvOptions, ReportColumn } from './accounts-csv';
export { renderChangesCsv } from './changes-csv';
export { CsvSnapshotError } from './errors';
export { snapshotFromCsv } from './snapshot-from-csv';
export { renderTagCoverageCsv } from './tag-coverage-csv';
export { csvOutputs } from './csv-outputs';
export { changesFromCsv } from './changes-from-csv';
