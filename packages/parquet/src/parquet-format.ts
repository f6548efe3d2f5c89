import { PARQUET_CONTENT_TYPE, type SnapshotFormatWriter } from '@orgmeta/core';
import { readAccountsParquet, writeAccountsParquet } from './accounts-parquet';
import { writeChangesParquet } from './changes-parquet';

/**
 * Parquet as a snapshot format of the pipeline: `accounts.parquet`, `changes.parquet`, and the baseline it reads back.
 *
 * @example Write Parquet beside each CSV report (when the configured formats include parquet, the default)
 * ```ts
 * const outputs = { csv: csvOutputs({ escapeFormulas: true }), formats: [parquetSnapshotFormat] };
 * ```
 */
export const parquetSnapshotFormat: SnapshotFormatWriter = {
  format: 'parquet',
  contentType: PARQUET_CONTENT_TYPE,
  renderAccounts: writeAccountsParquet,
  renderChanges: writeChangesParquet,
  readSnapshot: readAccountsParquet,
};
