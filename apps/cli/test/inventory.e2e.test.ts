import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateAccountCommand,
  ListParentsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-organizations';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import { snapshotFromCsv } from '@orgmeta/csv';
import { readAccountsParquet } from '@orgmeta/parquet';
import {
  actAs,
  clientOptions,
  createBucket,
  seedOrganization,
  seedTenantTable,
  tenantItem,
  type CreatedOrganization,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { filesUnder, getBytes, getText, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'inventory-e2e-tenants';
const BUCKET = 'inventory-e2e-reports';
const CHANGING = '301000000001';
const STEADY = '301000000002';
const BUS = 'inventory-e2e-changes';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function tenantKey(tenantId: string, name: string): string {
  return `org-accounts/dt=${today()}/tenant_id=${tenantId}/${name}`;
}

function readCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true });
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const BASE_ARGS = ['collect', '--table', TABLE, '--role-name', 'OrgMetaReader', '--bucket', BUCKET, '--ou-path'];

describe('orgmeta collect: snapshots, changes and events (end to end against moto)', () => {
  const endpoint = motoEndpoint();
  let changing: CreatedOrganization;
  let first: RunSummary;
  let firstKeys: string[];
  let second: RunSummary;
  let secondCode: number | null;
  let newcomerId = '';
  let queueUrl = '';
  const sqs = new SQSClient(clientOptions(endpoint));

  beforeAll(async () => {
    // Prepare: one tenant that changes between the runs, one that does not; a bus with a queue behind a rule.
    changing = await seedOrganization(endpoint, {
      managementAccountId: CHANGING,
      accounts: [
        { name: 'stays', email: 'stays@changing.example', tags: [{ key: 'Env', value: 'prod' }] },
        { name: 'to-tag', email: 'to-tag@changing.example' },
        { name: 'to-retag', email: 'to-retag@changing.example', tags: [{ key: 'Owner', value: 'alice' }] },
        { name: 'to-untag', email: 'to-untag@changing.example', tags: [{ key: 'Team', value: 'x' }] },
        { name: 'to-move', email: 'to-move@changing.example', ouPath: 'Workloads/Prod' },
      ],
    });
    await seedOrganization(endpoint, { managementAccountId: STEADY, accounts: [{ name: 'steady', email: 'steady@steady.example' }] });
    await seedTenantTable(endpoint, TABLE, [tenantItem(CHANGING, { name: 'Changing' }), tenantItem(STEADY, { name: 'Steady' })]);
    await createBucket(endpoint, BUCKET);

    const eventBridge = new EventBridgeClient(clientOptions(endpoint));
    await eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'inventory-e2e-events' }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await eventBridge.send(
      new PutRuleCommand({ Name: 'orgmeta-all', EventBusName: BUS, EventPattern: JSON.stringify({ source: ['orgmeta'] }) }),
    );
    await eventBridge.send(
      new PutTargetsCommand({ Rule: 'orgmeta-all', EventBusName: BUS, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }),
    );

    // Act: the first run, then changes in the organization, then a second run the same day.
    const run1 = await orgmeta([...BASE_ARGS, '--json']);
    first = JSON.parse(run1.stdout);
    firstKeys = await listKeys(BUCKET);

    const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, CHANGING)));
    const id = (name: string) => changing.accounts.find((a) => a.name === name)?.id ?? '';
    await orgs.send(new TagResourceCommand({ ResourceId: id('to-tag'), Tags: [{ Key: 'CostCenter', Value: 'CC-9' }] }));
    await orgs.send(new TagResourceCommand({ ResourceId: id('to-retag'), Tags: [{ Key: 'Owner', Value: 'bob' }] }));
    await orgs.send(new UntagResourceCommand({ ResourceId: id('to-untag'), TagKeys: ['Team'] }));
    const { Roots } = await orgs.send(new ListRootsCommand({}));
    const { Parents } = await orgs.send(new ListParentsCommand({ ChildId: id('to-move') }));
    await orgs.send(
      new MoveAccountCommand({ AccountId: id('to-move'), SourceParentId: Parents?.[0]?.Id, DestinationParentId: Roots?.[0]?.Id }),
    );
    const created = await orgs.send(new CreateAccountCommand({ AccountName: 'newcomer', Email: 'newcomer@changing.example' }));
    newcomerId = created.CreateAccountStatus?.AccountId ?? '';

    const run2 = await orgmeta([...BASE_ARGS, '--events-bus', BUS, '--json']);
    secondCode = run2.code;
    second = JSON.parse(run2.stdout);
  }, 240_000);

  it('says the first run had no earlier snapshot, and writes no changes file then', () => {
    expect(first.tenants.map((t) => [t.tenantId, t.changes])).toEqual([
      [CHANGING, null],
      [STEADY, null],
    ]);
    expect(first.totals.changes).toBe(0);
    expect(firstKeys.filter((k) => k.includes('/changes.'))).toEqual([]);
    expect(firstKeys).toEqual(
      [
        tenantKey(CHANGING, 'accounts.csv'),
        tenantKey(CHANGING, 'accounts.parquet'),
        tenantKey(STEADY, 'accounts.csv'),
        tenantKey(STEADY, 'accounts.parquet'),
        `org-accounts/_latest/tenant_id=${CHANGING}.json`,
        `org-accounts/_latest/tenant_id=${STEADY}.json`,
        `org-accounts/dt=${today()}/_manifests/${first.runId}.json`,
        `org-accounts/dt=${today()}/_reports/${first.runId}.html`,
        // The accounts table's symlink manifests (docs/sql.md); no changes table on a first snapshot.
        `org-accounts/tables/accounts/dt=${today()}/${CHANGING}.txt`,
        `org-accounts/tables/accounts/dt=${today()}/${STEADY}.txt`,
      ].sort(),
    );
  });

  it('counts the changes per tenant in the summary: one added, four modified, five rows; none for the steady tenant', () => {
    expect(secondCode).toBe(0);
    expect(second.tenants.map((t) => [t.tenantId, t.changes])).toEqual([
      [CHANGING, { previousRunId: first.runId, added: 1, removed: 0, modified: 4, total: 5 }],
      [STEADY, { previousRunId: first.runId, added: 0, removed: 0, modified: 0, total: 0 }],
    ]);
    expect(second.totals.changes).toBe(5);
    expect(second.eventsError).toBeUndefined();
  });

  it('writes exactly these change rows to changes.csv, sorted by account, change and field', async () => {
    const id = (name: string) => changing.accounts.find((a) => a.name === name)?.id ?? '';
    const detectedAt = second.startedAt;
    const common = { tenant_id: CHANGING, previous_run_id: first.runId, run_id: second.runId, detected_at: detectedAt };
    const expected = [
      { ...common, account_id: newcomerId, account_name: 'newcomer', change: 'account_added', field: '', before: '', after: '' },
      {
        ...common,
        account_id: id('to-tag'),
        account_name: 'to-tag',
        change: 'tag_added',
        field: 'tag:CostCenter',
        before: '',
        after: 'CC-9',
      },
      {
        ...common,
        account_id: id('to-retag'),
        account_name: 'to-retag',
        change: 'tag_changed',
        field: 'tag:Owner',
        before: 'alice',
        after: 'bob',
      },
      { ...common, account_id: id('to-untag'), account_name: 'to-untag', change: 'tag_removed', field: 'tag:Team', before: 'x', after: '' },
      {
        ...common,
        account_id: id('to-move'),
        account_name: 'to-move',
        change: 'moved',
        field: 'ou_path',
        before: 'Root/Workloads/Prod',
        after: 'Root',
      },
    ].sort((a, b) => ordinal(a.account_id, b.account_id) || ordinal(a.change, b.change) || ordinal(a.field, b.field));

    const text = await getText(BUCKET, tenantKey(CHANGING, 'changes.csv'));
    expect(text.split('\n')[0]).toBe('tenant_id,account_id,account_name,change,field,before,after,previous_run_id,run_id,detected_at');
    expect(readCsv(text)).toEqual(expected);
    expect(readCsv(await getText(BUCKET, tenantKey(STEADY, 'changes.csv')))).toEqual([]);
    expect((await getBytes(BUCKET, tenantKey(CHANGING, 'changes.parquet'))).length).toBeGreaterThan(0);
  });

  it('sends every change row to the bus as an Account Change event with the account ARN', async () => {
    const bodies: { source: string; 'detail-type': string; resources: string[]; detail: Record<string, string> }[] = [];
    for (let polls = 0; polls < 20 && bodies.length < 5; polls++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...(Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}')));
    }
    expect(bodies).toHaveLength(5);
    const retag = bodies.find((b) => b.detail.change === 'tag_changed');
    const retagId = changing.accounts.find((a) => a.name === 'to-retag')?.id ?? '';
    expect(retag).toMatchObject({
      source: 'orgmeta',
      'detail-type': 'Account Change',
      resources: [expect.stringMatching(new RegExp(`:account/${changing.id}/${retagId}$`))],
      detail: {
        tenantId: CHANGING,
        accountId: retagId,
        accountName: 'to-retag',
        change: 'tag_changed',
        field: 'tag:Owner',
        before: 'alice',
        after: 'bob',
        previousRunId: first.runId,
        runId: second.runId,
        detectedAt: second.startedAt,
      },
    });
    expect(bodies.map((b) => b.detail.change).sort()).toEqual(['account_added', 'moved', 'tag_added', 'tag_changed', 'tag_removed']);
  });

  it('writes a Parquet snapshot that reads back to the same accounts as the CSV, with every tag and the run ID', async () => {
    const key = tenantKey(CHANGING, 'accounts.parquet');
    const fromParquet = await readAccountsParquet(await getBytes(BUCKET, key));
    const fromCsv = snapshotFromCsv(await getText(BUCKET, tenantKey(CHANGING, 'accounts.csv')), {
      tenantId: CHANGING,
      runId: second.runId,
      collectedAt: second.startedAt,
    });
    expect(fromParquet.runId).toBe(second.runId);
    expect(fromParquet.accounts.map((a) => a.fields)).toEqual(fromCsv.accounts.map((a) => a.fields));
    expect(fromParquet.accounts.map((a) => Object.fromEntries(a.tags))).toEqual(fromCsv.accounts.map((a) => Object.fromEntries(a.tags)));
    expect(fromParquet.accounts.find((a) => a.fields.account_name === 'to-retag')?.tags.get('Owner')).toBe('bob');
  });

  it('orgmeta changes lists the latest changes of every tenant as a table, and as JSON', async () => {
    const table = await orgmeta(['changes', '--bucket', BUCKET]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+ACCOUNT\s+NAME\s+CHANGE\s+FIELD\s+BEFORE\s+AFTER\s+RUN$/);
    expect(lines.find((l) => l.includes('tag_changed'))).toMatch(
      new RegExp(`^${CHANGING}\\s+\\d{12}\\s+to-retag\\s+tag_changed\\s+tag:Owner\\s+alice\\s+bob\\s+${second.runId}$`),
    );
    expect(lines.at(-1)).toBe('5 change(s) in 1 tenant(s).');

    const json = JSON.parse((await orgmeta(['changes', '--bucket', BUCKET, '--json'])).stdout);
    expect(json.changes).toHaveLength(5);
    expect(json.changes.map((c: { change: string }) => c.change).sort()).toEqual([
      'account_added',
      'moved',
      'tag_added',
      'tag_changed',
      'tag_removed',
    ]);
    expect(json.sources).toEqual([tenantKey(CHANGING, 'changes.csv'), tenantKey(STEADY, 'changes.csv')]);
  });

  it('orgmeta changes narrows to --tenant, reads one run by --run-id, and every day since --since', async () => {
    const steady = await orgmeta(['changes', '--bucket', BUCKET, '--tenant', STEADY]);
    expect(steady.stdout.trim()).toBe('No changes.');
    const byRun = JSON.parse((await orgmeta(['changes', '--bucket', BUCKET, '--run-id', second.runId, '--json'])).stdout);
    expect(byRun.changes).toHaveLength(5);
    const firstRun = JSON.parse((await orgmeta(['changes', '--bucket', BUCKET, '--run-id', first.runId, '--json'])).stdout);
    expect(firstRun.changes).toEqual([]);
    const since = JSON.parse((await orgmeta(['changes', '--bucket', BUCKET, '--since', today(), '--tenant', CHANGING, '--json'])).stdout);
    expect(since.changes).toHaveLength(5);
    const unknown = await orgmeta(['changes', '--bucket', BUCKET, '--run-id', '20200101T000000Z-abcdef']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No run 20200101T000000Z-abcdef');
  });

  it('points each tenant at its latest snapshot, written by the second run', async () => {
    const pointer = JSON.parse(await getText(BUCKET, `org-accounts/_latest/tenant_id=${CHANGING}.json`));
    expect(pointer).toEqual({
      version: 1,
      tenantId: CHANGING,
      runId: second.runId,
      collectedAt: second.startedAt,
      formats: ['csv', 'parquet'],
      keys: { csv: tenantKey(CHANGING, 'accounts.csv'), parquet: tenantKey(CHANGING, 'accounts.parquet') },
    });
  });
});

describe('orgmeta collect: formats, first runs and baselines (end to end against moto)', () => {
  const endpoint = motoEndpoint();
  const TENANT = '302000000001';
  const table = 'inventory-e2e-formats';
  let org: CreatedOrganization;

  beforeAll(async () => {
    org = await seedOrganization(endpoint, {
      managementAccountId: TENANT,
      accounts: [
        { name: 'alpha', email: 'alpha@formats.example', tags: [{ key: 'Owner', value: 'ann' }] },
        {
          name: 'beta',
          email: 'beta@formats.example',
          tags: [
            { key: 'Owner', value: 'ben' },
            { key: 'Env', value: 'dev' },
          ],
        },
      ],
    });
    await seedTenantTable(endpoint, table, [tenantItem(TENANT, { name: 'Formats' })]);
  }, 120_000);

  const args = (bucket: string) => ['collect', '--table', table, '--role-name', 'OrgMetaReader', '--bucket', bucket, '--json'];

  it('--formats csv --no-changes --no-html-report writes exactly the objects of Part 1', async () => {
    const bucket = 'inventory-e2e-part1';
    await createBucket(endpoint, bucket);
    const result = await orgmeta([...args(bucket), '--formats', 'csv', '--no-changes', '--no-html-report']);
    const summary: RunSummary = JSON.parse(result.stdout);
    expect(result.code).toBe(0);
    expect(await listKeys(bucket)).toEqual(
      [tenantKey(TENANT, 'accounts.csv'), `org-accounts/dt=${today()}/_manifests/${summary.runId}.json`].sort(),
    );
    expect(summary.tenants[0]).not.toHaveProperty('changes');
    expect(summary.totals).toEqual({ tenants: 1, succeeded: 1, failed: 0, accounts: 3 });
  });

  it('--no-changes writes no changes file and no pointer, and the summary has no changes field', async () => {
    const bucket = 'inventory-e2e-nochanges';
    await createBucket(endpoint, bucket);
    await orgmeta([...args(bucket), '--no-changes']);
    const result = await orgmeta([...args(bucket), '--no-changes']);
    const summary: RunSummary = JSON.parse(result.stdout);
    const keys = await listKeys(bucket);
    expect(keys.filter((k) => k.includes('changes.') || k.includes('_latest/'))).toEqual([]);
    expect(keys).toContain(tenantKey(TENANT, 'accounts.parquet'));
    expect(summary.tenants[0]).not.toHaveProperty('changes');
    expect(summary.totals.changes).toBeUndefined();
  });

  it('compares a Parquet run with a CSV-only baseline: only the tags the CSV recorded count', async () => {
    const bucket = 'inventory-e2e-csvbase';
    await createBucket(endpoint, bucket);
    const baseline: RunSummary = JSON.parse((await orgmeta([...args(bucket), '--formats', 'csv', '--tag-keys', 'Owner'])).stdout);
    const pointer = JSON.parse(await getText(bucket, `org-accounts/_latest/tenant_id=${TENANT}.json`));
    expect(pointer).toMatchObject({ formats: ['csv'], csvTagKeys: ['Owner'] });
    expect(await listKeys(bucket)).not.toContain(tenantKey(TENANT, 'accounts.parquet'));

    const result = await orgmeta(args(bucket));
    const summary: RunSummary = JSON.parse(result.stdout);
    // Env was not in the CSV (--tag-keys Owner): it is not reported as added.
    expect(summary.tenants[0]?.changes).toEqual({ previousRunId: baseline.runId, added: 0, removed: 0, modified: 0, total: 0 });
    expect(await listKeys(bucket)).toContain(tenantKey(TENANT, 'changes.parquet'));
  });

  it('with --no-upload, finds the baseline in the output folder and writes the changes there', async () => {
    const cwd = workDir();
    const local = ['collect', '--table', table, '--role-name', 'OrgMetaReader', '--no-upload', '--out-dir', 'out', '--json'];
    const run1: RunSummary = JSON.parse((await orgmeta(local, { cwd })).stdout);
    const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, TENANT)));
    const alpha = org.accounts.find((a) => a.name === 'alpha')?.id ?? '';
    await orgs.send(new TagResourceCommand({ ResourceId: alpha, Tags: [{ Key: 'Owner', Value: '=cmd' }] }));
    const run2: RunSummary = JSON.parse((await orgmeta(local, { cwd })).stdout);
    // Restore for the other tests of this block.
    await orgs.send(new TagResourceCommand({ ResourceId: alpha, Tags: [{ Key: 'Owner', Value: 'ann' }] }));

    expect(run1.tenants[0]?.changes).toBeNull();
    expect(run2.tenants[0]?.changes).toEqual({ previousRunId: run1.runId, added: 0, removed: 0, modified: 1, total: 1 });
    const out = join(cwd, 'out');
    const files = filesUnder(out);
    expect(files).toEqual(
      expect.arrayContaining([
        `org-accounts/_latest/tenant_id=${TENANT}.json`,
        `org-accounts/dt=${today()}/tenant_id=${TENANT}/changes.csv`,
        `org-accounts/dt=${today()}/tenant_id=${TENANT}/changes.parquet`,
        `org-accounts/dt=${today()}/_reports/${run2.runId}.html`,
      ]),
    );
    const rows = readCsv(readFileSync(join(out, 'org-accounts', `dt=${today()}`, `tenant_id=${TENANT}`, 'changes.csv'), 'utf8'));
    // The same formula escaping as accounts.csv.
    expect(rows).toEqual([
      expect.objectContaining({ account_id: alpha, change: 'tag_changed', field: 'tag:Owner', before: 'ann', after: "'=cmd" }),
    ]);
  });

  it('reports an unreachable bus as eventsError, fails no tenant and exits 0', async () => {
    const bucket = 'inventory-e2e-nobus';
    await createBucket(endpoint, bucket);
    await orgmeta(args(bucket));
    const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, TENANT)));
    const beta = org.accounts.find((a) => a.name === 'beta')?.id ?? '';
    await orgs.send(new TagResourceCommand({ ResourceId: beta, Tags: [{ Key: 'Env', Value: 'prod' }] }));
    const result = await orgmeta([...args(bucket), '--events-bus', 'no-such-bus']);
    await orgs.send(new TagResourceCommand({ ResourceId: beta, Tags: [{ Key: 'Env', Value: 'dev' }] }));
    const summary: RunSummary = JSON.parse(result.stdout);

    expect(result.code).toBe(0);
    expect(summary.tenants[0]?.status).toBe('succeeded');
    expect(summary.tenants[0]?.changes?.total).toBe(1);
    expect(summary.eventsError).toMatch(/no-such-bus/);
    expect(summary.tenants[0]).not.toHaveProperty('eventsError');
  });
});
