import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { diffSnapshots, type Snapshot } from '@orgmeta/core';
import { writeAccountsParquet, writeChangesParquet } from '../src';
import { snapshotOf } from './fixtures';

/**
 * SPEC "SQL over the fleet": the files this package writes, laid out as the product lays them
 * out (`<prefix>dt=…/tenant_id=…/accounts.parquet`), queried by a real SQL engine.
 */

const ACME = '111111111111';
const GLOBEX = '012345678901'; // a leading zero must survive the partition value

function day1(tenantId: string): Snapshot {
  return snapshotOf({
    tenantId,
    runId: `20240501T060000Z-${tenantId.slice(-6)}`,
    collectedAt: '2024-05-01T06:00:00.000Z',
    accounts: [
      { id: `${tenantId.slice(0, 6)}000001`, tags: { CostCenter: 'cc-1', Env: 'prod' } },
      { id: `${tenantId.slice(0, 6)}000002`, tags: { Env: 'dev' } },
    ],
  });
}

function day2(tenantId: string): Snapshot {
  return snapshotOf({
    tenantId,
    runId: `20240502T060000Z-${tenantId.slice(-6)}`,
    collectedAt: '2024-05-02T06:00:00.000Z',
    accounts: [
      { id: `${tenantId.slice(0, 6)}000001`, tags: { CostCenter: 'cc-2', Env: 'prod' } },
      { id: `${tenantId.slice(0, 6)}000002`, tags: { Env: 'dev', CostCenter: '' } },
      { id: `${tenantId.slice(0, 6)}000003`, fields: { account_state: 'SUSPENDED' } },
      { id: `${tenantId.slice(0, 6)}000004`, fields: { joined_timestamp: '' }, tags: { CostCenter: 'cc-9' } },
    ],
  });
}

let root: string;
let connection: DuckDBConnection;

function put(relativeKey: string, bytes: Uint8Array): void {
  const path = join(root, relativeKey);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** Rows as JSON-friendly objects (timestamps and maps rendered by DuckDB). */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

// The partition values stay strings (an account ID is not a number); dt is a date.
const accounts = () =>
  `read_parquet('${root}/org-accounts/dt=*/tenant_id=*/accounts.parquet', hive_partitioning = true, hive_types = {'dt': DATE, 'tenant_id': VARCHAR})`;
const changes = () =>
  `read_parquet('${root}/org-accounts/dt=*/tenant_id=*/changes.parquet', hive_partitioning = true, hive_types = {'dt': DATE, 'tenant_id': VARCHAR})`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'orgmeta-parquet-'));
  for (const tenantId of [ACME, GLOBEX]) {
    put(`org-accounts/dt=2024-05-01/tenant_id=${tenantId}/accounts.parquet`, writeAccountsParquet(day1(tenantId)));
    put(`org-accounts/dt=2024-05-02/tenant_id=${tenantId}/accounts.parquet`, writeAccountsParquet(day2(tenantId)));
    put(
      `org-accounts/dt=2024-05-02/tenant_id=${tenantId}/changes.parquet`,
      writeChangesParquet(diffSnapshots(day1(tenantId), day2(tenantId))),
    );
  }
  // A change file from long ago, which "the last 7 days" must leave out.
  const old = diffSnapshots(snapshotOf({ tenantId: ACME, runId: 'r0', accounts: [] }), day1(ACME)).map((c) => ({
    ...c,
    detected_at: '2024-03-01T06:00:00.000Z',
  }));
  put(`org-accounts/dt=2024-03-01/tenant_id=${ACME}/changes.parquet`, writeChangesParquet(old));
  connection = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  connection?.closeSync();
  rmSync(root, { recursive: true, force: true });
});

describe('SQL over the fleet (DuckDB)', () => {
  it('reads one schema across tenants and dates, with TIMESTAMP and MAP types', async () => {
    const columns = await query(`DESCRIBE SELECT * FROM ${accounts()}`);
    const types = Object.fromEntries(columns.map((c) => [c.column_name, c.column_type]));
    expect(types).toMatchObject({
      account_id: 'VARCHAR',
      joined_timestamp: 'TIMESTAMP WITH TIME ZONE',
      collected_at: 'TIMESTAMP WITH TIME ZONE',
      ou_id_path: 'VARCHAR',
      enabled_regions: 'VARCHAR',
      tags: 'MAP(VARCHAR, VARCHAR)',
      run_id: 'VARCHAR',
      dt: 'DATE',
      tenant_id: 'VARCHAR',
    });
  });

  it('reads the changes with detected_at as a TIMESTAMP and every other column as a string', async () => {
    const columns = await query(`DESCRIBE SELECT * FROM ${changes()}`);
    expect(columns.map((c) => [c.column_name, c.column_type])).toEqual([
      ['tenant_id', 'VARCHAR'],
      ['account_id', 'VARCHAR'],
      ['account_name', 'VARCHAR'],
      ['change', 'VARCHAR'],
      ['field', 'VARCHAR'],
      ['before', 'VARCHAR'],
      ['after', 'VARCHAR'],
      ['previous_run_id', 'VARCHAR'],
      ['run_id', 'VARCHAR'],
      ['detected_at', 'TIMESTAMP WITH TIME ZONE'],
      ['dt', 'DATE'],
    ]);
  });

  it('answers "the accounts of every tenant today"', async () => {
    const rows = await query(`
      SELECT tenant_id, account_id, account_state, joined_timestamp, collected_at, run_id
      FROM ${accounts()}
      WHERE dt = DATE '2024-05-02'
      ORDER BY tenant_id, account_id`);
    expect(rows).toEqual([
      ...[GLOBEX, ACME].sort().flatMap((t) => [
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000001`,
          account_state: 'ACTIVE',
          joined_timestamp: '2020-01-02 03:04:05.006+00',
          collected_at: '2024-05-02 06:00:00+00',
          run_id: `20240502T060000Z-${t.slice(-6)}`,
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000002`,
          account_state: 'ACTIVE',
          joined_timestamp: '2020-01-02 03:04:05.006+00',
          collected_at: '2024-05-02 06:00:00+00',
          run_id: `20240502T060000Z-${t.slice(-6)}`,
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000003`,
          account_state: 'SUSPENDED',
          joined_timestamp: '2020-01-02 03:04:05.006+00',
          collected_at: '2024-05-02 06:00:00+00',
          run_id: `20240502T060000Z-${t.slice(-6)}`,
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000004`,
          account_state: 'ACTIVE',
          joined_timestamp: null,
          collected_at: '2024-05-02 06:00:00+00',
          run_id: `20240502T060000Z-${t.slice(-6)}`,
        },
      ]),
    ]);
  });

  it("answers tags['CostCenter'] from the map, NULL where the tag is absent", async () => {
    const rows = await query(`
      SELECT account_id, tags['CostCenter'] AS cost_center, cardinality(tags) AS tag_count
      FROM ${accounts()}
      WHERE dt = DATE '2024-05-02' AND tenant_id = '${ACME}'
      ORDER BY account_id`);
    expect(rows).toEqual([
      { account_id: '111111000001', cost_center: 'cc-2', tag_count: '2' },
      { account_id: '111111000002', cost_center: '', tag_count: '2' },
      { account_id: '111111000003', cost_center: null, tag_count: '0' },
      { account_id: '111111000004', cost_center: 'cc-9', tag_count: '1' },
    ]);
  });

  it('answers "the changes of the last 7 days"', async () => {
    const rows = await query(`
      SELECT tenant_id, account_id, change, field, "before", "after", detected_at
      FROM ${changes()}
      WHERE detected_at >= TIMESTAMPTZ '2024-05-02 12:00:00+00' - INTERVAL 7 DAY
      ORDER BY tenant_id, account_id, change, field`);
    expect(rows).toEqual(
      [GLOBEX, ACME].sort().flatMap((t) => [
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000001`,
          change: 'tag_changed',
          field: 'tag:CostCenter',
          before: 'cc-1',
          after: 'cc-2',
          detected_at: '2024-05-02 06:00:00+00',
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000002`,
          change: 'tag_added',
          field: 'tag:CostCenter',
          before: null,
          after: null,
          detected_at: '2024-05-02 06:00:00+00',
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000003`,
          change: 'account_added',
          field: null,
          before: null,
          after: null,
          detected_at: '2024-05-02 06:00:00+00',
        },
        {
          tenant_id: t,
          account_id: `${t.slice(0, 6)}000004`,
          change: 'account_added',
          field: null,
          before: null,
          after: null,
          detected_at: '2024-05-02 06:00:00+00',
        },
      ]),
    );
  });

  it('answers "active accounts missing a given tag" (absent or empty)', async () => {
    const rows = await query(`
      SELECT tenant_id, account_id
      FROM ${accounts()}
      WHERE dt = DATE '2024-05-02' AND account_state = 'ACTIVE' AND coalesce(tags['CostCenter'], '') = ''
      ORDER BY tenant_id, account_id`);
    expect(rows).toEqual([
      { tenant_id: GLOBEX, account_id: '012345000002' },
      { tenant_id: ACME, account_id: '111111000002' },
    ]);
  });

  it('keeps the tenant ID of the file and of the partition the same', async () => {
    const rows = await query(`SELECT count(*) AS mismatched FROM ${accounts()} WHERE tenant_id <> management_account_id`);
    expect(rows).toEqual([{ mismatched: '0' }]);
  });
});
