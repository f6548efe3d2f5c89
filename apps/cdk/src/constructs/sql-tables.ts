import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ACCOUNTS_DATASET_COLUMNS,
  CHANGES_DATASET_COLUMNS,
  SQL_TABLES,
  tableManifestRoot,
  type DatasetColumn,
  type SqlTable,
} from '@orgmeta/core';
import { DeploymentSettingError } from '../settings';

/** The Glue database the tables go in when context "glueDatabaseName" is not given; docs/sql.md's queries name it. */
export const DEFAULT_SQL_DATABASE = 'orgmeta';

// Athena lower-cases names and needs quoting for anything but letters, digits and `_`; Glue allows 255 bytes.
const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;

/** The database name, checked at synth: a name Athena would quote or refuse fails `cdk synth`, not the first query. */
export function validSqlDatabaseName(raw: string): string {
  const name = raw.trim();
  if (!DATABASE_NAME.test(name)) {
    throw new DeploymentSettingError(
      `Invalid context "glueDatabaseName": "${raw}" must be 1 to 255 lower-case letters, digits or underscores (Athena lower-cases names and would need quotes for anything else).`,
    );
  }
  return name;
}

const DATASET_COLUMNS: Record<SqlTable, readonly DatasetColumn[]> = {
  accounts: ACCOUNTS_DATASET_COLUMNS,
  changes: CHANGES_DATASET_COLUMNS,
};

const DESCRIPTIONS: Record<SqlTable, string> = {
  accounts: 'orgmeta: every account of every tenant, per day (accounts.parquet, listed by the symlink manifests of each dt)',
  changes: 'orgmeta: every change detected per tenant, per day (changes.parquet, listed by the symlink manifests of each dt)',
};

export interface SqlTablesProps {
  readonly bucket: s3.IBucket;
  /** As the Lambda uses it (normalised): the manifests are under `<prefix>tables/`. */
  readonly prefix: string;
  readonly databaseName: string;
}

/**
 * SQL over the fleet (docs/sql.md): a Glue database with one table per Parquet dataset, so Athena
 * queries every tenant and every date right after deploy, with no crawler. A tenant's folder mixes
 * CSV and Parquet and Athena reads every file of a location, so each table reads the symlink
 * manifests the collector writes (`<prefix>tables/<table>/dt=<dt>/<tenant_id>.txt`, one `s3://` URI
 * each), as S3 Inventory's Athena tables do. Partitioned by `dt` alone, projected (no partitions to
 * add); `tenant_id` is a data column of the files, so a new tenant needs no redeploy.
 */
export class SqlTables extends Construct {
  readonly database: glue.CfnDatabase;
  readonly tables: Record<SqlTable, glue.CfnTable>;

  constructor(scope: Construct, id: string, props: SqlTablesProps) {
    super(scope, id);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: props.databaseName,
        description: `orgmeta fleet inventory: tables over the Parquet datasets in s3://${props.bucket.bucketName}/${props.prefix}`,
      },
    });
    const tables = SQL_TABLES.map((table) => [table, this.table(table, props)] as const);
    this.tables = Object.fromEntries(tables) as Record<SqlTable, glue.CfnTable>;
  }

  private table(table: SqlTable, props: SqlTablesProps): glue.CfnTable {
    const root = `s3://${props.bucket.bucketName}/${tableManifestRoot(props.prefix, table)}`;
    const resource = new glue.CfnTable(this, table === 'accounts' ? 'Accounts' : 'Changes', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: table,
        description: DESCRIPTIONS[table],
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          // One partition a day, computed by Athena from the query's `dt` filter: nothing to crawl or add.
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          // Each day's folder of manifests; `${dt}` is Athena's placeholder, not a CDK token.
          'storage.location.template': `${root}dt=\${dt}/`,
        },
        partitionKeys: [{ name: 'dt', type: 'string', comment: 'The run date (UTC), yyyy-MM-dd' }],
        storageDescriptor: {
          location: root,
          // Each file under the location lists the objects to read; those objects are Parquet.
          inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          columns: DATASET_COLUMNS[table].map(({ name, type }) => ({ name, type })),
        },
      },
    });
    resource.addResourceDependency(this.database);
    return resource;
  }
}
