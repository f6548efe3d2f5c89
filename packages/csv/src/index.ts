export { FIXED_COLUMNS, accountsCsvRenderer, escapeFormula, renderAccountsCsv, reportColumns } from './accounts-csv';
export type { CsvOptions } from './accounts-csv';
export { stringifyCsv } from './accounts-csv';
export { renderChangesCsv } from './changes-csv';
export { CsvSnapshotError } from './errors';
export { snapshotFromCsv, unescapeFormula } from './snapshot-from-csv';
