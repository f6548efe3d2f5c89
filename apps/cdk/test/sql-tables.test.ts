import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ACCOUNTS_DATASET_COLUMNS, CHANGES_DATASET_COLUMNS, tableManifestKey } from '@orgmeta/core';
import { statementsOf, synthApp } from './synth-app';

const BUCKET_REF = { Ref: Match.stringLikeRegexp('^Reports') };
const TEMPLATE_DT = '${dt}';

/** The exact table properties Athena needs to read the symlink manifests of one dataset. */
function expectedTable(name: 'accounts' | 'changes', prefix: string, columns: readonly { name: string; type: string }[]) {
  const root = `/${prefix}tables/${name}/`;
  return {
    CatalogId: { Ref: 'AWS::AccountId' },
    DatabaseName: 'orgmeta',
    TableInput: {
      Name: name,
      Description: Match.anyValue(),
      TableType: 'EXTERNAL_TABLE',
      Parameters: {
        EXTERNAL: 'TRUE',
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2020-01-01,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'storage.location.template': { 'Fn::Join': ['', ['s3://', BUCKET_REF, `${root}dt=${TEMPLATE_DT}/`]] },
      },
      PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: Match.anyValue() }],
      StorageDescriptor: {
        Location: { 'Fn::Join': ['', ['s3://', BUCKET_REF, root]] },
        InputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        Columns: columns.map((c) => ({ Name: c.name, Type: c.type })),
      },
    },
  };
}

function tableInput(template: Template, name: string) {
  const tables = Object.values(template.findResources('AWS::Glue::Table')) as {
    Properties: { TableInput: { Name: string; PartitionKeys: { Name: string }[]; StorageDescriptor: { Columns: { Name: string }[] } } };
  }[];
  const table = tables.find((t) => t.Properties.TableInput.Name === name);
  if (!table) throw new Error(`no Glue table ${name}`);
  return table.Properties.TableInput;
}

/** `arn:…:<bucket>/<glob>` of a PutObject grant as a RegExp over object keys (`*` matches anything). */
function keyPattern(resource: unknown): RegExp {
  const parts = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const glob = String(parts[parts.length - 1]).replace(/^\//, '');
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

describe('SQL over the fleet: the Glue database and tables', () => {
  const { collector } = synthApp();

  it('creates the orgmeta database in the stack account', () => {
    collector.resourceCountIs('AWS::Glue::Database', 1);
    collector.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: 'orgmeta', Description: Match.anyValue() },
    });
    collector.hasOutput('SqlDatabaseName', { Value: 'orgmeta' });
  });

  it('creates accounts and changes over the symlink manifests, partitioned by a projected dt, columns from datasets.ts', () => {
    collector.resourceCountIs('AWS::Glue::Table', 2);
    collector.hasResourceProperties('AWS::Glue::Table', expectedTable('accounts', 'org-accounts/', ACCOUNTS_DATASET_COLUMNS));
    collector.hasResourceProperties('AWS::Glue::Table', expectedTable('changes', 'org-accounts/', CHANGES_DATASET_COLUMNS));
    // Both depend on the database (a table cannot be created before its database).
    const tables = Object.values(collector.findResources('AWS::Glue::Table')) as { DependsOn?: string[] }[];
    const [databaseId] = Object.keys(collector.findResources('AWS::Glue::Database'));
    for (const table of tables) expect(table.DependsOn).toContain(databaseId);
  });

  it('keeps tenant_id a data column, never a partition, so a new tenant needs no redeploy', () => {
    for (const name of ['accounts', 'changes']) {
      const input = tableInput(collector, name);
      expect(input.PartitionKeys.map((k) => k.Name)).toEqual(['dt']);
      expect(input.StorageDescriptor.Columns.map((c) => c.Name)).toContain('tenant_id');
      expect(input.StorageDescriptor.Columns.map((c) => c.Name)).not.toContain('dt');
    }
    expect(tableInput(collector, 'accounts').StorageDescriptor.Columns.map((c) => c.Name)).toEqual(
      ACCOUNTS_DATASET_COLUMNS.map((c) => c.name),
    );
  });

  it('lets the collector write the manifests: its PutObject grant covers the manifest keys, and nothing outside the prefix', () => {
    const [put] = statementsOf(collector, 'CollectorRole').filter((s) => s.Action === 's3:PutObject');
    const pattern = keyPattern(put.Resource);
    for (const table of ['accounts', 'changes'] as const) {
      expect(tableManifestKey('org-accounts/', new Date('2026-11-29T02:00:00Z'), '120000000001', table)).toMatch(pattern);
    }
    expect('tables/accounts/dt=2026-11-29/120000000001.txt').not.toMatch(pattern);
  });
});

describe('SQL tables with other settings', () => {
  it('are the same in fan-out mode, where the tenant tasks write the manifests', () => {
    const { collector } = synthApp({ mode: 'fanout', reportPrefix: 'inv' });
    collector.hasResourceProperties('AWS::Glue::Table', expectedTable('accounts', 'inv/', ACCOUNTS_DATASET_COLUMNS));
    collector.hasResourceProperties('AWS::Glue::Table', expectedTable('changes', 'inv/', CHANGES_DATASET_COLUMNS));
    const [put] = statementsOf(collector, 'CollectTenantRole').filter((s) => s.Action === 's3:PutObject');
    expect(tableManifestKey('inv/', new Date('2026-11-29T02:00:00Z'), '120000000001', 'changes')).toMatch(keyPattern(put.Resource));
  });

  it('go in the database context "glueDatabaseName" names', () => {
    const { collector } = synthApp({ glueDatabaseName: 'fleet_sql' });
    collector.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'fleet_sql' }) });
    collector.allResourcesProperties('AWS::Glue::Table', { DatabaseName: 'fleet_sql' });
  });

  it.each([
    ['upper case and a hyphen', 'Fleet-SQL'],
    ['a space', 'fleet sql'],
    ['256 characters', 'a'.repeat(256)],
  ])('refuses a database name with %s at synth, naming the context key', (_, name) => {
    expect(() => synthApp({ glueDatabaseName: name })).toThrow(
      /Invalid context "glueDatabaseName".*lower-case letters, digits or underscores/,
    );
  });
});
