import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OrganizationsClient, TagResourceCommand } from '@aws-sdk/client-organizations';
import type { RunSummary } from '@orgmeta/core';
import {
  actAs,
  clientOptions,
  createBucket,
  seedOrganization,
  seedTenantTable,
  tenantItem,
  type CreatedOrganization,
} from '@orgmeta/test-support';
import { filesUnder, getBytes, getText, head, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';
import { FleetSql } from './support/fleet-sql';

/**
 * The objects the CDK app's Glue tables read (docs/sql.md): after two runs with a change in
 * between, every succeeded tenant's Parquet objects are listed by symlink manifests under
 * `<prefix>tables/<table>/dt=<dt>/`, and docs/sql.md's queries, run by DuckDB over exactly the
 * files those manifests list (as Athena's SymlinkTextInputFormat reads them), return the fleet.
 */

const TABLE = 'sql-e2e-tenants';
const BUCKET = 'sql-e2e-reports';
const ALPHA = '120000000001';
const BETA = '120000000002';
const NO_ORG = '120000000003';
const TABLES = ['accounts', 'changes'] as const;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

const manifestKey = (table: string, tenantId: string, prefix = 'org-accounts/') => `${prefix}tables/${table}/dt=${today()}/${tenantId}.txt`;
const parquetUri = (table: string, tenantId: string) => `s3://${BUCKET}/org-accounts/dt=${today()}/tenant_id=${tenantId}/${table}.parquet`;

describe('the SQL tables over a real run (end to end against moto)', () => {
  const endpoint = motoEndpoint();
  let alpha: CreatedOrganization;
  let beta: CreatedOrganization;
  let cwd: string;
  let summary: RunSummary;
  let keys: string[];

  beforeAll(async () => {
    // Prepare: two tenants with organizations (one account without CostCenter), one without.
    alpha = await seedOrganization(endpoint, {
      managementAccountId: ALPHA,
      accounts: [
        { name: 'alpha-tagged', email: 'a@alpha.example', tags: [{ key: 'CostCenter', value: 'cc-1' }] },
        { name: 'alpha-untagged', email: 'b@alpha.example', tags: [{ key: 'Owner', value: 'ops' }] },
      ],
    });
    beta = await seedOrganization(endpoint, {
      managementAccountId: BETA,
      accounts: [{ name: 'beta', email: 'c@beta.example', tags: [{ key: 'CostCenter', value: 'cc-2' }] }],
    });
    await seedTenantTable(endpoint, TABLE, [tenantItem(ALPHA), tenantItem(BETA), tenantItem(NO_ORG)]);
    await createBucket(endpoint, BUCKET);
    cwd = workDir();
    const args = ['collect', '--table', TABLE, '--role-name', 'R', '--bucket', BUCKET, '--save-local', '--out-dir', 'out', '--json'];

    // Act: a first run, a CostCenter tag added, a second run; and a CSV-only run under its own prefix.
    await orgmeta(args, { cwd });
    const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, ALPHA)));
    await orgs.send(new TagResourceCommand({ ResourceId: untagged(), Tags: [{ Key: 'CostCenter', Value: 'cc-3' }] }));
    summary = JSON.parse((await orgmeta(args, { cwd })).stdout);
    await orgmeta(['collect', '--table', TABLE, '--role-name', 'R', '--bucket', BUCKET, '--prefix', 'csv-only', '--formats', 'csv'], {
      cwd,
    });
    keys = await listKeys(BUCKET);
  }, 240_000);

  function untagged(): string {
    return alpha.accounts.find((a) => a.name === 'alpha-untagged')?.id ?? '';
  }

  it('writes one manifest per table for each succeeded tenant, none for the failed one', () => {
    expect(summary.tenants.map((t) => [t.tenantId, t.status]).sort()).toEqual([
      [ALPHA, 'succeeded'],
      [BETA, 'succeeded'],
      [NO_ORG, 'failed'],
    ]);
    expect(keys.filter((k) => k.startsWith('org-accounts/tables/'))).toEqual(
      [manifestKey('accounts', ALPHA), manifestKey('accounts', BETA), manifestKey('changes', ALPHA), manifestKey('changes', BETA)].sort(),
    );
  });

  it("lists in each manifest exactly the URI of that tenant's Parquet object, which is in the bucket", async () => {
    for (const table of TABLES) {
      for (const tenantId of [ALPHA, BETA]) {
        expect(await getText(BUCKET, manifestKey(table, tenantId))).toBe(`${parquetUri(table, tenantId)}\n`);
        const listed = parquetUri(table, tenantId).slice(`s3://${BUCKET}/`.length);
        expect(keys).toContain(listed);
        expect((await head(BUCKET, listed)).ContentType).toBe('application/vnd.apache.parquet');
        expect(await head(BUCKET, manifestKey(table, tenantId))).toMatchObject({
          ContentType: 'text/plain; charset=utf-8',
          Metadata: { 'run-id': summary.runId },
        });
      }
    }
  });

  it('writes no manifest with --formats csv, and none to the local folder', () => {
    expect(keys.filter((k) => k.startsWith('csv-only/'))).toContainEqual(expect.stringMatching(/accounts\.csv$/));
    expect(keys.filter((k) => k.startsWith('csv-only/tables/'))).toEqual([]);
    expect(filesUnder(join(cwd, 'out')).filter((f) => f.includes('tables/'))).toEqual([]);
  });

  describe("docs/sql.md's queries over exactly the files the manifests list", () => {
    let sql: FleetSql;
    let copies: string;

    beforeAll(async () => {
      // As SymlinkTextInputFormat: each manifest line is an object to read; `dt` is the manifest folder's,
      // never the object's own path (the files hold every other column, tenant_id included).
      copies = mkdtempSync(join(tmpdir(), 'orgmeta-sql-'));
      const view = async (table: string) => {
        const selects: string[] = [];
        const byDay = new Map<string, string[]>();
        for (const key of keys.filter((k) => k.startsWith(`org-accounts/tables/${table}/`))) {
          const dt = /\/dt=([\d-]+)\//.exec(key)?.[1] ?? '';
          const uris = (await getText(BUCKET, key)).split('\n').filter(Boolean);
          byDay.set(dt, [...(byDay.get(dt) ?? []), ...uris]);
        }
        for (const [dt, uris] of byDay) {
          const files: string[] = [];
          for (const uri of uris) {
            const file = join(copies, uri.slice('s3://'.length));
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, await getBytes(BUCKET, uri.slice(`s3://${BUCKET}/`.length)));
            files.push(`'${file}'`);
          }
          selects.push(`SELECT *, CAST('${dt}' AS VARCHAR) AS dt FROM read_parquet([${files.join(', ')}], hive_partitioning = false)`);
        }
        return selects.join(' UNION ALL ');
      };
      sql = await FleetSql.open({ accounts: await view('accounts'), changes: await view('changes') });
    });

    afterAll(() => {
      sql?.close();
      if (copies) rmSync(copies, { recursive: true, force: true });
    });

    it('lists the accounts of every tenant today', async () => {
      const rows = await sql.run('accounts-today');
      const ids = (org: CreatedOrganization) => [org.managementAccountId, ...org.accounts.map((a) => a.id)].sort();
      expect(rows.map((r) => [r.tenant_id, r.account_id])).toEqual([
        ...ids(alpha).map((id) => [ALPHA, id]),
        ...ids(beta).map((id) => [BETA, id]),
      ]);
      expect(rows.every((r) => r.account_state === 'ACTIVE')).toBe(true);
    });

    it('lists the changes of the last 7 days', async () => {
      expect(await sql.run('changes-last-7-days')).toEqual([
        expect.objectContaining({
          dt: today(),
          tenant_id: ALPHA,
          account_id: untagged(),
          account_name: 'alpha-untagged',
          change: 'tag_added',
          field: 'tag:CostCenter',
          before: null,
          after: 'cc-3',
        }),
      ]);
    });

    it('lists the active accounts missing a given tag', async () => {
      // Only the management accounts carry no CostCenter now.
      const rows = await sql.run('active-missing-tag');
      expect(rows.map((r) => [r.tenant_id, r.account_id])).toEqual([
        [ALPHA, ALPHA],
        [BETA, BETA],
      ]);
    });
  });
});
