export { FIXED_COLUMNS, accountsCsvRenderer, escapeFormula, renderAccountsCsv, reportColumns } from './accounts-csv';
export type { CsvOptions } from './accounts-csv';
export { cellEscaper, toCsv } from './accounts-csv';
export { MISSING_TAGS_SEPARATOR, TAG_COVERAGE_COLUMNS, renderTagCoverageCsv } from './tag-coverage-csv';
