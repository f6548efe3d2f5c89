export {
  DETAIL_REPORT_COLUMNS,
  FIXED_COLUMNS,
  REPORT_COLUMNS,
  accountsCsvRenderer,
  cellEscaper,
  escapeFormula,
  renderAccountsCsv,
  reportColumns,
  reportColumnsOf,
  stringifyCsv,
} from './accounts-csv';
export type { CsvOptions, ReportColumn } from './accounts-csv';
export { renderChangesCsv } from './changes-csv';
export { CsvSnapshotError } from './errors';
export { snapshotFromCsv, unescapeFormula } from './snapshot-from-csv';
export { MISSING_TAGS_SEPARATOR, TAG_COVERAGE_COLUMNS, renderTagCoverageCsv } from './tag-coverage-csv';
export { csvOutputs } from './csv-outputs';
export { changesFromCsv } from './changes-from-csv';
