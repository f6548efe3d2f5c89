import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ParquetSnapshotError, readAccountsParquet, writeAccountsParquet } from '../src';
import { instantFromCell, instantOrNull, stringFromCell, stringOrNull, tagsFromCell } from '../src/values';
import { snapshotOf } from './fixtures';

// A baseline that cannot be read must fail with a ParquetSnapshotError that says what is wrong with the file,
// and a file another tool wrote (no orgmeta metadata) must still read back as the snapshot it holds.

let folder: string;
let connection: DuckDBConnection;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'orgmeta-parquet-read-'));
  connection = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  connection?.closeSync();
  rmSync(folder, { recursive: true, force: true });
});

/** A Parquet file DuckDB writes from a SELECT, with optional key-value metadata: a file "written elsewhere". */
async function duckdbParquet(name: string, select: string, kvMetadata?: Record<string, string>): Promise<Uint8Array> {
  const path = join(folder, `${name}.parquet`);
  const kv = kvMetadata
    ? `, KV_METADATA {${Object.entries(kvMetadata)
        .map(([k, v]) => `'${k}': '${v.replace(/'/g, "''")}'`)
        .join(', ')}}`
    : '';
  await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet${kv})`);
  return new Uint8Array(readFileSync(path));
}

const ACCOUNT_ROW = `SELECT '111111111111' AS tenant_id, 'Acme' AS tenant_name, '222222222222' AS account_id,
  TIMESTAMPTZ '2024-05-01 12:00:00+00' AS collected_at, 'r-1/Prod' AS ou_path, 'arn:x' AS delegated_services,
  MAP {'Owner': 'ann', 'Empty': NULL} AS tags, 'run-9' AS run_id`;

async function refusal(bytes: Uint8Array): Promise<string> {
  const error: unknown = await readAccountsParquet(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParquetSnapshotError);
  return (error as Error).message;
}

describe('readAccountsParquet refuses what is not a snapshot, saying why', () => {
  it('refuses bytes that are not Parquet', async () => {
    expect(await refusal(new TextEncoder().encode('account_id,tags\n1,\n'))).toMatch(/^not a readable Parquet file \(.+\)$/);
  });

  it('refuses orgmeta metadata that is not JSON, or not an object', async () => {
    expect(await refusal(await duckdbParquet('bad-json', ACCOUNT_ROW, { 'orgmeta.snapshot': '{not json' }))).toBe(
      'the orgmeta.snapshot metadata is not JSON',
    );
    expect(await refusal(await duckdbParquet('array', ACCOUNT_ROW, { 'orgmeta.snapshot': '[1, 2]' }))).toBe(
      'the orgmeta.snapshot metadata is not an object',
    );
    expect(await refusal(await duckdbParquet('null', ACCOUNT_ROW, { 'orgmeta.snapshot': 'null' }))).toBe(
      'the orgmeta.snapshot metadata is not an object',
    );
  });

  it('refuses a file without the account_id or tags column', async () => {
    expect(await refusal(await duckdbParquet('no-tags', `SELECT '1' AS account_id`))).toBe('the file has no tags column');
    expect(await refusal(await duckdbParquet('no-id', `SELECT MAP {'a': 'b'} AS tags`))).toBe('the file has no account_id column');
  });

  it('refuses a file that names no run or no tenant', async () => {
    expect(await refusal(await duckdbParquet('no-run', `SELECT '1' AS tenant_id, '2' AS account_id, MAP {'a': 'b'} AS tags`))).toBe(
      'the file names no run or tenant',
    );
    expect(await refusal(await duckdbParquet('no-tenant', `SELECT '2' AS account_id, MAP {'a': 'b'} AS tags, 'run-1' AS run_id`))).toBe(
      'the file names no run or tenant',
    );
  });

  it('refuses a cell of the wrong type, naming the column', async () => {
    expect(await refusal(await duckdbParquet('number-id', `SELECT 42 AS account_id, MAP {'a': 'b'} AS tags, 'r' AS run_id`))).toBe(
      'account_id holds a number, not a string',
    );
  });
});

describe('readAccountsParquet of a file written elsewhere (no orgmeta metadata)', () => {
  it('takes the run, tenant and time from the rows, OU paths when an account has one, and the detail columns that hold a value', async () => {
    const snapshot = await readAccountsParquet(await duckdbParquet('elsewhere', ACCOUNT_ROW));

    expect(snapshot).toMatchObject({ tenantId: '111111111111', runId: 'run-9', collectedAt: '2024-05-01T12:00:00.000Z', hasOuPaths: true });
    expect(snapshot.detailColumns).toEqual(['delegated_services']);
    expect(snapshot.accounts[0].details).toEqual(new Map([['delegated_services', 'arn:x']]));
    // A NULL tag value is a tag with an empty value.
    expect(snapshot.accounts[0].tags).toEqual(
      new Map([
        ['Owner', 'ann'],
        ['Empty', ''],
      ]),
    );
  });

  it('leaves out detail columns that hold nothing, and reads no OU paths when no account has one', async () => {
    const snapshot = await readAccountsParquet(
      await duckdbParquet(
        'empty-details',
        `SELECT '111111111111' AS tenant_id, '2' AS account_id, CAST(NULL AS VARCHAR) AS delegated_services, '' AS ou_path, CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS tags, 'r' AS run_id`,
      ),
    );

    expect(snapshot.detailColumns).toEqual([]);
    expect(snapshot.hasOuPaths).toBe(false);
    expect(snapshot.collectedAt).toBe('');
    expect(snapshot.accounts[0].tags).toEqual(new Map());
  });

  it('prefers what orgmeta metadata says over what the rows suggest, and ignores fields of the wrong type', async () => {
    const written = snapshotOf({ runId: 'run-1', hasOuPaths: false, detailColumns: [], accounts: [{ id: '222222222222' }] });
    const readBack = await readAccountsParquet(writeAccountsParquet(written));
    expect(readBack).toMatchObject({ runId: 'run-1', tenantId: '111111111111', hasOuPaths: false, detailColumns: [] });

    const mixed = await readAccountsParquet(
      await duckdbParquet('mixed', ACCOUNT_ROW, {
        'orgmeta.snapshot': JSON.stringify({ tenantId: 7, runId: 'run-meta', collectedAt: false, hasOuPaths: 'yes', detailColumns: [1] }),
      }),
    );
    expect(mixed).toMatchObject({ tenantId: '111111111111', runId: 'run-meta', collectedAt: '2024-05-01T12:00:00.000Z', hasOuPaths: true });
    expect(mixed.detailColumns).toEqual(['delegated_services']);
  });
});

describe('cell conversions', () => {
  it('writes empty strings as NULL and instants as dates, refusing what is not an instant', () => {
    expect(stringOrNull('')).toBeNull();
    expect(stringOrNull('x')).toBe('x');
    expect(instantOrNull('', 'joined_timestamp')).toBeNull();
    expect(instantOrNull('2024-05-01T12:00:00.000Z', 'joined_timestamp')?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(() => instantOrNull('soon', 'joined_timestamp')).toThrow(new ParquetSnapshotError('joined_timestamp is not an instant: "soon"'));
  });

  it('reads NULL back as empty, and refuses cells of another type, naming the column', () => {
    expect(stringFromCell(null, 'c')).toBe('');
    expect(stringFromCell(undefined, 'c')).toBe('');
    expect(stringFromCell('v', 'c')).toBe('v');
    expect(() => stringFromCell(1, 'account_name')).toThrow('account_name holds a number, not a string');
    expect(instantFromCell(null, 't')).toBe('');
    expect(instantFromCell(undefined, 't')).toBe('');
    expect(instantFromCell(new Date('2024-05-01T12:00:00Z'), 't')).toBe('2024-05-01T12:00:00.000Z');
    expect(() => instantFromCell(new Date('nope'), 'collected_at')).toThrow('collected_at holds Invalid Date, not a timestamp');
    expect(() => instantFromCell('2024-05-01', 'collected_at')).toThrow('collected_at holds 2024-05-01, not a timestamp');
    expect(tagsFromCell(null, 'tags')).toEqual(new Map());
    expect(tagsFromCell(undefined, 'tags')).toEqual(new Map());
    expect(tagsFromCell({ a: 'x', b: null, c: undefined, d: 5 }, 'tags')).toEqual(
      new Map([
        ['a', 'x'],
        ['b', ''],
        ['c', ''],
        ['d', '5'],
      ]),
    );
    expect(() => tagsFromCell('a=b', 'tags')).toThrow('tags holds a string, not a map');
  });
});
