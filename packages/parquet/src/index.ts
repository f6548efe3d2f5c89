/**
 * Snapshots and changes as Parquet, with one schema for every tenant and run, and `accounts.parquet` read back.
 * {@link parquetSnapshotFormat} plugs it into core's pipeline. This CommonJS package loads the ES-module Parquet
 * libraries with `require()`, which Node.js runs from 20.19 on.
 *
 * @packageDocumentation
 */
export { readAccountsParquet, writeAccountsParquet } from './accounts-parquet';
export { writeChangesParquet } from './changes-parquet';
export { ParquetSnapshotError } from './errors';
export { parquetSnapshotFormat } from './parquet-format';
