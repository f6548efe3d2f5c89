export { FIXED_COLUMNS, escapeFormula, renderAccountsCsv, reportColumns } from './accounts-csv';
export type { CsvOptions } from './accounts-csv';
