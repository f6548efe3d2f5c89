import { ACCOUNTS_DATASET_COLUMNS, DETAIL_COLUMNS } from '@orgmeta/core';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { ParquetSnapshotError, readAccountsParquet, writeAccountsParquet, writeChangesParquet } from '../src';
import { changeOf, plain, snapshotOf } from './fixtures';

function schemaOf(bytes: Uint8Array) {
  const buffer = new Uint8Array(bytes).buffer;
  return parquetSchema(parquetMetadata(buffer));
}

describe('writeAccountsParquet / readAccountsParquet', () => {
  it('reads back the snapshot it wrote: fields, detail columns, every tag, run and tenant', async () => {
    // Prepare
    const snapshot = snapshotOf({
      detailColumns: ['ou_id_path', 'delegated_services'],
      accounts: [
        {
          id: '222222222222',
          details: { ou_id_path: 'r-ab12/ou-ab12-11111111', delegated_services: '' },
          tags: { CostCenter: 'cc-1', Owner: '', 'Ünïcode, "quoted"\nkey': '=SUM(A1)' },
        },
        {
          id: '333333333333',
          fields: { joined_timestamp: '', account_state: 'SUSPENDED' },
          details: { ou_id_path: '', delegated_services: '' },
        },
      ],
    });
    // Act
    const back = await readAccountsParquet(writeAccountsParquet(snapshot));
    // Assess
    expect(plain(back)).toEqual(plain(snapshot));
  });

  it('reads back a snapshot without OU paths, detail columns or accounts', async () => {
    const snapshot = snapshotOf({ hasOuPaths: false, accounts: [] });
    expect(plain(await readAccountsParquet(writeAccountsParquet(snapshot)))).toEqual(plain(snapshot));
  });

  it('gives the same bytes for the same snapshot', () => {
    const snapshot = snapshotOf({ accounts: [{ id: '222222222222', tags: { b: '2', a: '1' } }] });
    expect(Buffer.from(writeAccountsParquet(snapshot)).equals(Buffer.from(writeAccountsParquet(snapshot)))).toBe(true);
  });

  it('writes one schema whatever the run collected: every dataset column, in order', () => {
    const bare = schemaOf(writeAccountsParquet(snapshotOf({ hasOuPaths: false, accounts: [{ id: '222222222222' }] })));
    const rich = schemaOf(
      writeAccountsParquet(snapshotOf({ detailColumns: [...DETAIL_COLUMNS], accounts: [{ id: '222222222222', tags: { a: '1' } }] })),
    );
    const names = (tree: typeof bare) => tree.children.map((c) => c.element.name);
    expect(names(bare)).toEqual(ACCOUNTS_DATASET_COLUMNS.map((c) => c.name));
    expect(names(rich)).toEqual(names(bare));
  });

  it('types the timestamps as TIMESTAMP(MILLIS, UTC) and tags as a MAP of strings', () => {
    const tree = schemaOf(writeAccountsParquet(snapshotOf({ accounts: [{ id: '222222222222' }] })));
    const column = (name: string) => tree.children.find((c) => c.element.name === name);
    expect(column('collected_at')?.element.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
    expect(column('joined_timestamp')?.element.type).toBe('INT64');
    expect(column('account_id')?.element.logical_type).toEqual({ type: 'STRING' });
    const tags = column('tags');
    expect(tags?.element.logical_type).toEqual({ type: 'MAP' });
    expect(tags?.children[0]?.element.repetition_type).toBe('REPEATED');
    expect(tags?.children[0]?.children.map((c) => [c.element.name, c.element.type, c.element.converted_type])).toEqual([
      ['key', 'BYTE_ARRAY', 'UTF8'],
      ['value', 'BYTE_ARRAY', 'UTF8'],
    ]);
  });

  it('places a detail column it does not know yet before tags', async () => {
    const snapshot = snapshotOf({ detailColumns: ['future_column'], accounts: [{ id: '222222222222', details: { future_column: 'x' } }] });
    const bytes = writeAccountsParquet(snapshot);
    const names = schemaOf(bytes).children.map((c) => c.element.name);
    expect(names.slice(-3)).toEqual(['future_column', 'tags', 'run_id']);
    expect(plain(await readAccountsParquet(bytes))).toEqual(plain(snapshot));
  });

  it('refuses a timestamp that is not an instant', () => {
    const snapshot = snapshotOf({ accounts: [{ id: '222222222222', fields: { joined_timestamp: 'yesterday' } }] });
    expect(() => writeAccountsParquet(snapshot)).toThrow(new ParquetSnapshotError('joined_timestamp is not an instant: "yesterday"'));
  });

  it('refuses bytes that are not Parquet, and a Parquet file that is not a snapshot', async () => {
    await expect(readAccountsParquet(new TextEncoder().encode('tenant_id,account_id\n'))).rejects.toThrow(ParquetSnapshotError);
    const changes = writeChangesParquet([changeOf({ account_id: '222222222222', change: 'account_added' })]);
    await expect(readAccountsParquet(changes)).rejects.toThrow(new ParquetSnapshotError('the file has no tags column'));
  });
});
