export { readAccountsParquet, writeAccountsParquet } from './accounts-parquet';
export { writeChangesParquet } from './changes-parquet';
export { ParquetSnapshotError } from './errors';
export { parquetSnapshotFormat } from './parquet-format';
