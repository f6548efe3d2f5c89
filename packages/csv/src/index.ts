export { FIXED_COLUMNS, REPORT_COLUMNS, accountsCsvRenderer, renderAccountsCsv, stringifyCsv } from './accounts-csv';
export type { CsvOptions, ReportColumn } from './accounts-csv';
export { renderChangesCsv } from './changes-csv';
export { CsvSnapshotError } from './errors';
export { snapshotFromCsv } from './snapshot-from-csv';
export { renderTagCoverageCsv } from './tag-coverage-csv';
export { csvOutputs } from './csv-outputs';
export { changesFromCsv } from './changes-from-csv';
