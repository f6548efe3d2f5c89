export { FIXED_COLUMNS, accountsCsvRenderer, escapeFormula, renderAccountsCsv, reportColumns } from './accounts-csv';
export type { CsvOptions } from './accounts-csv';
