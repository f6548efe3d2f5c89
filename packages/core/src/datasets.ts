import { CHANGE_COLUMNS } from './changes';
import { DETAIL_COLUMNS, SNAPSHOT_FIXED_COLUMNS, SNAPSHOT_TIMESTAMP_COLUMNS } from './snapshot';

/**
 * The columns of the two Parquet datasets (SPEC "Snapshot dataset"), with their SQL types as
 * Athena/Glue spell them: one list that the Parquet writer and the Glue tables both follow, so
 * every file of every tenant and run has the same schema. `tenant_id` is a data column of both
 * (the Glue tables are partitioned by `dt` only, so a new tenant needs no redeploy); the tables
 * add the partition key `dt`, which is not in the files (docs/sql.md).
 */
export type DatasetColumnType = 'string' | 'timestamp' | 'map<string,string>';

export interface DatasetColumn {
  readonly name: string;
  readonly type: DatasetColumnType;
}

const TIMESTAMPS: readonly string[] = SNAPSHOT_TIMESTAMP_COLUMNS;

/** `accounts.parquet`: the 15 fixed columns, every known detail column, `tags`, `run_id`. */
export const ACCOUNTS_DATASET_COLUMNS: readonly DatasetColumn[] = [
  ...SNAPSHOT_FIXED_COLUMNS.map((name) => ({ name, type: TIMESTAMPS.includes(name) ? ('timestamp' as const) : ('string' as const) })),
  ...DETAIL_COLUMNS.map((name) => ({ name, type: 'string' as const })),
  { name: 'tags', type: 'map<string,string>' },
  { name: 'run_id', type: 'string' },
];

/** `changes.parquet`: the columns of `changes.csv`, `detected_at` as a timestamp. */
export const CHANGES_DATASET_COLUMNS: readonly DatasetColumn[] = CHANGE_COLUMNS.map((name) => ({
  name,
  type: name === 'detected_at' ? ('timestamp' as const) : ('string' as const),
}));
