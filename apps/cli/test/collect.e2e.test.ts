import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import {
  createBucket,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type CreatedOrganization,
  type ProxiedCall,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { filesUnder, getText, head, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'collect-e2e-tenants';
const BUCKET = 'collect-e2e-reports';
const BIG = '101000000001';
const SINGLE = '101000000002';
const NO_ORG = '101000000003';
const PADDED = '010100000004';
const INACTIVE = '101000000005';
const OTHER_SERVICE = '101000000006';

// Customer-typed text: commas, quotes, newlines, unicode, formula starts.
const HOSTILE_VALUES = [
  'Platform, Core',
  'say "hi"',
  'line one\nline two',
  'Zürich – 東京 ✓',
  '=HYPERLINK("http://x")',
  '+1-555',
  '@risk',
  '-negative',
];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function reportKey(tenantId: string): string {
  return `org-accounts/dt=${today()}/tenant_id=${tenantId}/accounts.csv`;
}

function escaped(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

/** CSV rows as objects keyed by the header. */
function readCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true });
}

describe('orgmeta collect (end to end against moto)', () => {
  let big: CreatedOrganization;
  let single: CreatedOrganization;
  let padded: CreatedOrganization;
  let cwd: string;
  let result: Awaited<ReturnType<typeof orgmeta>>;
  let summary: RunSummary;

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    big = await seedOrganization(endpoint, {
      managementAccountId: BIG,
      accounts: Array.from({ length: 45 }, (_, i) => ({
        name: i === 0 ? '=cmd|calc' : `big-member-${String(i).padStart(2, '0')}`,
        email: `member${i}@big.example`,
        ouPath: i % 3 === 0 ? 'Workloads/Prod' : undefined,
        tags: [
          { key: 'CostCenter', value: `CC-${i % 4}` },
          ...(i < HOSTILE_VALUES.length ? [{ key: 'Note', value: HOSTILE_VALUES[i] }] : []),
        ],
      })),
    });
    single = await seedOrganization(endpoint, { managementAccountId: SINGLE, accounts: [] });
    padded = await seedOrganization(endpoint, {
      managementAccountId: PADDED,
      accounts: [{ name: 'padded-member', email: 'm@padded.example' }],
    });
    await seedOrganization(endpoint, { managementAccountId: INACTIVE, accounts: [] });
    await seedTenantTable(endpoint, TABLE, [
      tenantItem(BIG, { name: 'Big, "Co"' }),
      tenantItem(SINGLE, { name: 'Solo' }),
      tenantItem(NO_ORG, { name: 'No Org Inc' }),
      { ...tenantItem('x'), tenant_id: { N: '10100000004' }, tenant_name: { S: 'Padded' } },
      tenantItem(INACTIVE, { status: 'inactive' }),
      tenantItem(OTHER_SERVICE, { service: 'Something Else' }),
      tenantItem('not-a-number'),
      { status: { S: 'active' }, service: { S: 'AWS Cloud Usage' }, tenant_name: { S: 'no id' } },
      { ...tenantItem('101000000007'), status: { N: '1' } },
      { ...tenantItem('x'), tenant_id: { BOOL: true } },
      { ...tenantItem('101000000008'), tenant_name: { L: [{ S: 'a' }] } },
      // An identical duplicate is collected once (items that disagree are invalid: see external-id-policy.e2e).
      tenantItem(SINGLE, { name: 'Solo' }),
    ]);
    await createBucket(endpoint, BUCKET);

    cwd = workDir();
    result = await orgmeta(
      [
        'collect',
        '--table',
        TABLE,
        '--role-name',
        'OrgMetaReader',
        '--bucket',
        BUCKET,
        '--save-local',
        '--out-dir',
        'out',
        '--ou-path',
        // Exactly Part 1's objects: the Part 2 outputs are covered by inventory.e2e.test.ts.
        '--formats',
        'csv',
        '--no-changes',
        '--no-html-report',
        '--json',
      ],
      { cwd },
    );
    summary = JSON.parse(result.stdout);
  });

  it('exits 2 because one tenant failed, and logs to stderr only', () => {
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Tenant 101000000003 failed: AWSOrganizationsNotInUseException');
  });

  it('writes exactly one report per succeeded tenant and the manifest to S3', async () => {
    expect(await listKeys(BUCKET)).toEqual(
      [reportKey(PADDED), reportKey(BIG), reportKey(SINGLE), `org-accounts/dt=${today()}/_manifests/${summary.runId}.json`].sort(),
    );
  });

  it('puts every seeded account, tag and OU path of the paging tenant in its CSV', async () => {
    const rows = readCsv(await getText(BUCKET, reportKey(BIG)));
    const expectedIds = [BIG, ...big.accounts.map((a) => a.id)].sort();
    expect(rows.map((r) => r.account_id)).toEqual(expectedIds);
    for (const seeded of big.accounts) {
      const row = rows.find((r) => r.account_id === seeded.id);
      const note = seeded.tags?.find((t) => t.key === 'Note')?.value ?? '';
      expect(row).toMatchObject({
        tenant_id: BIG,
        tenant_name: 'Big, "Co"',
        organization_id: big.id,
        organization_arn: big.arn,
        management_account_id: BIG,
        management_account_email: big.managementAccountEmail,
        account_name: escaped(seeded.name),
        account_email: seeded.email,
        account_state: 'ACTIVE',
        joined_method: 'CREATED',
        ou_path: seeded.ouPath ? `Root/${seeded.ouPath}` : 'Root',
        'tag:CostCenter': seeded.tags?.[0].value,
        'tag:Note': escaped(note),
      });
      expect(row?.joined_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(row?.collected_at).toBe(summary.startedAt);
    }
    expect(Object.keys(rows[0])).toEqual([
      'tenant_id',
      'tenant_name',
      'organization_id',
      'organization_arn',
      'management_account_id',
      'management_account_email',
      'account_id',
      'account_arn',
      'account_name',
      'account_email',
      'account_state',
      'joined_method',
      'joined_timestamp',
      'ou_path',
      'collected_at',
      // --ou-path also adds the path in IDs and the parent (SPEC Part 2, account details).
      'ou_id_path',
      'parent_id',
      'tag:CostCenter',
      'tag:Note',
    ]);
    const root = rows.find((r) => r.account_id === BIG);
    expect(root?.parent_id).toMatch(/^r-[a-z0-9]+$/);
    expect(rows.filter((r) => r.ou_path === 'Root/Workloads/Prod').every((r) => r.ou_id_path.startsWith(`${root?.parent_id}/ou-`))).toBe(
      true,
    );
  });

  it('reports an organization with only its management account, and a zero-padded numeric tenant_id', async () => {
    const soloRows = readCsv(await getText(BUCKET, reportKey(SINGLE)));
    expect(soloRows.map((r) => [r.account_id, r.tenant_name, r.organization_id])).toEqual([[SINGLE, 'Solo', single.id]]);
    const paddedRows = readCsv(await getText(BUCKET, reportKey(PADDED)));
    expect(paddedRows.map((r) => r.account_id).sort()).toEqual([PADDED, padded.accounts[0].id].sort());
    expect(result.stderr).toContain('numeric tenant_id padded to 010100000004');
  });

  it('stores each report with its content type, metadata and a checksum S3 verified', async () => {
    const body = await getText(BUCKET, reportKey(BIG));
    const object = await head(BUCKET, reportKey(BIG));
    const sha256 = createHash('sha256').update(body).digest();
    expect(object.ContentType).toBe('text/csv; charset=utf-8');
    expect(object.Metadata).toEqual({ 'run-id': summary.runId, 'row-count': '46' });
    expect(object.ChecksumSHA256).toBe(sha256.toString('base64'));
    expect(summary.tenants.find((t) => t.tenantId === BIG)?.sha256).toBe(sha256.toString('hex'));
  });

  it('writes local copies byte-identical to S3 under the same keys, with no temp files left', async () => {
    const files = filesUnder(join(cwd, 'out')).sort();
    expect(files).toEqual((await listKeys(BUCKET)).sort());
    for (const tenantId of [BIG, SINGLE, PADDED]) {
      expect(readFileSync(join(cwd, 'out', reportKey(tenantId)), 'utf8')).toBe(await getText(BUCKET, reportKey(tenantId)));
    }
  });

  it('prints the summary as JSON and stores the same summary as the manifest', async () => {
    const manifest = JSON.parse(await getText(BUCKET, `org-accounts/dt=${today()}/_manifests/${summary.runId}.json`));
    expect(manifest).toEqual(summary);
    expect(summary.totals).toEqual({ tenants: 4, succeeded: 3, failed: 1, accounts: 46 + 1 + 2 });
    expect(summary.tenants.map((t) => [t.tenantId, t.status])).toEqual([
      [PADDED, 'succeeded'],
      [BIG, 'succeeded'],
      [SINGLE, 'succeeded'],
      [NO_ORG, 'failed'],
    ]);
    const failed = summary.tenants.find((t) => t.tenantId === NO_ORG);
    expect(failed?.error?.code).toBe('AWSOrganizationsNotInUseException');
    expect(failed?.error?.hint).toContain('is not in an AWS Organization');
    expect(failed).not.toHaveProperty('s3Key');
    expect(summary.tenants.find((t) => t.tenantId === BIG)).toMatchObject({
      accounts: 46,
      s3Key: reportKey(BIG),
      localPath: join(cwd, 'out', reportKey(BIG)),
    });
  });

  it('lists the invalid rows with why, and skips inactive and other-service tenants', () => {
    expect(summary.invalidRecords).toEqual(
      expect.arrayContaining([
        // Named by the table's own key (seedTenantTable keys items on pk=item-NNNN), however bad their tenant_id.
        { key: 'pk=item-0007', reason: 'tenant_id "not-a-number" is not a 12-digit account ID' },
        { key: 'pk=item-0008', reason: 'missing tenant_id attribute' },
        { key: 'pk=item-0009', reason: 'attribute status must be a string (S), found N' },
        {
          key: 'pk=item-0010',
          reason: 'attribute tenant_id must be a string (S) or number (N), found BOOL',
        },
        { key: 'pk=item-0011', reason: 'attribute tenant_name must be a string (S), found L' },
      ]),
    );
    expect(summary.invalidRecords).toHaveLength(5);
    expect(summary.tenants.map((t) => t.tenantId)).not.toContain(INACTIVE);
    expect(summary.tenants.map((t) => t.tenantId)).not.toContain(OTHER_SERVICE);
  });

  it('exits 0 when every selected tenant succeeds, and --tag-keys fixes the tag columns', async () => {
    const run = await orgmeta([
      'collect',
      '--table',
      TABLE,
      '--role-name',
      'R',
      '--bucket',
      BUCKET,
      '--prefix',
      'fixed-tags',
      '--tenant',
      BIG,
      '--tag-keys',
      'Owner,CostCenter',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const csv = await getText(BUCKET, `fixed-tags/dt=${today()}/tenant_id=${BIG}/accounts.csv`);
    expect(csv.split('\n')[0].endsWith(',collected_at,tag:Owner,tag:CostCenter')).toBe(true);
    expect(readCsv(csv).every((r) => r['tag:Owner'] === '' && r.ou_path === '')).toBe(true);
  });

  it('with --no-upload writes only local copies', async () => {
    const dir = workDir();
    const run = await orgmeta(
      ['collect', '--table', TABLE, '--role-name', 'R', '--no-upload', '--prefix', 'local-only', '--tenant', SINGLE],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(filesUnder(join(dir, 'reports')).filter((f) => f.endsWith('accounts.csv'))).toEqual([
      `local-only/dt=${today()}/tenant_id=${SINGLE}/accounts.csv`,
    ]);
    expect((await listKeys(BUCKET)).filter((k) => k.startsWith('local-only/'))).toEqual([]);
  });

  it('fails a --tenant that is not an active tenant with a clear reason', async () => {
    const run = await orgmeta([
      'collect',
      '--table',
      TABLE,
      '--role-name',
      'R',
      '--bucket',
      BUCKET,
      '--prefix',
      'narrowed',
      '--tenant',
      SINGLE,
      '--tenant',
      INACTIVE,
      '--json',
    ]);
    expect(run.code).toBe(2);
    const narrowed: RunSummary = JSON.parse(run.stdout);
    expect(narrowed.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      [SINGLE, 'succeeded', undefined],
      [INACTIVE, 'failed', 'TenantNotSelected'],
    ]);
  });

  it('with --no-escape-formulas keeps formula-like cells as they are', async () => {
    const run = await orgmeta([
      'collect',
      '--table',
      TABLE,
      '--role-name',
      'R',
      '--bucket',
      BUCKET,
      '--prefix',
      'raw',
      '--tenant',
      BIG,
      '--no-escape-formulas',
    ]);
    expect(run.code).toBe(0);
    const rows = readCsv(await getText(BUCKET, `raw/dt=${today()}/tenant_id=${BIG}/accounts.csv`));
    expect(rows.map((r) => r.account_name)).toContain('=cmd|calc');
  });

  it('warns when the tenant ID is a member account, not the management account', async () => {
    const member = padded.accounts[0].id;
    await seedTenantTable(motoEndpoint(), 'collect-e2e-member-tenant', [tenantItem(member)]);
    const run = await orgmeta([
      'collect',
      '--table',
      'collect-e2e-member-tenant',
      '--role-name',
      'R',
      '--bucket',
      BUCKET,
      '--prefix',
      'member',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`WARN  Tenant ${member}: the organization's management account is ${PADDED}, not the tenant ID`);
  });

  it('sends the session name, ExternalId, ExpectedBucketOwner and SSE-KMS settings AWS needs', async () => {
    // moto ignores these, so the fault proxy records what the SDK actually sent.
    const calls: ProxiedCall[] = [];
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [{ when: (call) => (calls.push(call), false), respond: { kind: 'drop' } }],
    });
    try {
      const kmsKey = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
      const run = await orgmeta(
        [
          'collect',
          '--table',
          TABLE,
          '--role-name',
          'R',
          '--bucket',
          BUCKET,
          '--prefix',
          'owned',
          '--tenant',
          SINGLE,
          '--external-id',
          'ext-123',
          '--expected-bucket-owner',
          '123456789012',
          '--kms-key-id',
          kmsKey,
          '--json',
        ],
        { endpoint: proxy.endpoint },
      );
      expect(run.code).toBe(0);
      const summary: RunSummary = JSON.parse(run.stdout);
      const assumeRole = new URLSearchParams(calls.find((c) => c.operation === 'AssumeRole')?.body);
      expect(assumeRole.get('RoleArn')).toBe(`arn:aws:iam::${SINGLE}:role/R`);
      expect(assumeRole.get('RoleSessionName')).toBe(`orgmeta-${summary.runId}`);
      expect(assumeRole.get('ExternalId')).toBe('ext-123');
      const puts = calls.filter((c) => c.operation === 'PutObject' && !c.body.includes('"expiresAt"'));
      // accounts.csv, accounts.parquet, its SQL table manifest, the snapshot pointer, the manifest and the HTML run report
      // (the run lock aside).
      expect(puts).toHaveLength(6);
      // Reading the previous snapshot's pointer checks the bucket owner too.
      const gets = calls.filter((c) => c.operation === 'GetObject');
      expect(gets.length).toBeGreaterThan(0);
      for (const get of gets) expect(get.headers['x-amz-expected-bucket-owner']).toBe('123456789012');
      for (const put of puts) {
        expect(put.headers['x-amz-expected-bucket-owner']).toBe('123456789012');
        expect(put.headers['x-amz-server-side-encryption']).toBe('aws:kms');
        expect(put.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(kmsKey);
      }
      expect(puts[0].headers['x-amz-checksum-sha256']).toBe(Buffer.from(summary.tenants[0].sha256 ?? '', 'hex').toString('base64'));
    } finally {
      await proxy.stop();
    }
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('assumes roles in the partition of the region (%s -> %s)', async (region, partition) => {
    const calls: ProxiedCall[] = [];
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [{ when: (call) => (calls.push(call), false), respond: { kind: 'drop' } }],
    });
    try {
      const table = `partition-${partition}`;
      await seedTenantTable(motoEndpoint(), table, [tenantItem(SINGLE)], region);
      await orgmeta(['collect', '--table', table, '--role-name', 'R', '--no-upload'], {
        endpoint: proxy.endpoint,
        env: { AWS_REGION: region },
      });
      const assumeRole = new URLSearchParams(calls.find((c) => c.operation === 'AssumeRole')?.body);
      expect(assumeRole.get('RoleArn')).toBe(`arn:${partition}:iam::${SINGLE}:role/R`);
    } finally {
      await proxy.stop();
    }
  });
});
