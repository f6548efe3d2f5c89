import { CHANGES_DATASET_COLUMNS, type Change, type ChangeColumn } from '@orgmeta/core';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { CREATED_BY } from './accounts-parquet';
import { parquetSchema } from './parquet-schema';
import { instantOrNull, stringOrNull } from './values';

/**
 * Change rows as `changes.parquet`: the columns of `changes.csv` (`detected_at` as
 * TIMESTAMP(MILLIS, UTC)), empty values NULL, no formula escaping. Pure.
 */
export function writeChangesParquet(changes: readonly Change[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(CHANGES_DATASET_COLUMNS),
    columnData: CHANGES_DATASET_COLUMNS.map((column) => {
      const name = column.name as ChangeColumn;
      return {
        name,
        data: changes.map((change) => (column.type === 'timestamp' ? instantOrNull(change[name], name) : stringOrNull(change[name]))),
      };
    }),
    createdBy: CREATED_BY,
  });
  return new Uint8Array(buffer);
}
