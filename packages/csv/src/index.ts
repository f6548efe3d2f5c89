export {
  FIXED_COLUMNS,
  REPORT_COLUMNS,
  accountsCsvRenderer,
  escapeFormula,
  renderAccountsCsv,
  reportColumns,
  reportColumnsOf,
} from './accounts-csv';
export type { CsvOptions, ReportColumn } from './accounts-csv';
export { stringifyCsv } from './accounts-csv';
export { renderChangesCsv } from './changes-csv';
export { CsvSnapshotError } from './errors';
export { snapshotFromCsv, unescapeFormula } from './snapshot-from-csv';
