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
