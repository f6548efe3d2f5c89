import type { RunSummary, TenantResult } from '@orgmeta/core';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  S3Objects,
  clientOptions,
  createBucket,
  emulatorEnvironment,
  motoEndpoint,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { handler } from '../src/handlers/collect-all';
import { DEADLINE_MARGIN_MS } from '../src/handlers/deadline';
import { lambdaComposition, resetLambdaComposition } from '../src/handlers/composition';
import { collectOneTenant, listTenants, writeRunManifest, type ListTenantsOutput, type TenantRef } from '../src/handlers/fanout';
import { runDistributedMap } from './support/distributed-map';
import { isolateHandlerEnvironment } from './support/handler-environment';
import { collectRecord } from './support/local-fanout';

const TABLE = 'lambda-tenants';
const BUCKET = 'lambda-reports';
const GOOD = '106000000001';
const ALSO_GOOD = '106000000002';
const NO_ORG = '106000000003';
const FIFTEEN_MINUTES = 15 * 60_000;

/** The part of Lambda's context the handler uses, with a fixed remaining time. */
const lambdaContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

/** The Lambda's environment: the same variables as the CLI, pointed at moto. */
function useEnvironment(extra: Record<string, string>): void {
  Object.assign(
    process.env,
    emulatorEnvironment(motoEndpoint()),
    { TENANTS_TABLE_NAME: TABLE, CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: BUCKET },
    extra,
  );
  resetLambdaComposition();
}

describe('Lambda handlers against moto', () => {
  const s3 = () => new S3Objects(motoEndpoint());
  const today = () => new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), {
      managementAccountId: GOOD,
      accounts: [{ name: 'good-member', email: 'g@example.com', tags: [{ key: 'Owner', value: 'ops' }] }],
    });
    await seedOrganization(motoEndpoint(), { managementAccountId: ALSO_GOOD, accounts: [] });
    await seedTenantTable(motoEndpoint(), TABLE, [
      tenantItem(GOOD, { externalId: 'lambda-external-id' }),
      tenantItem(ALSO_GOOD),
      tenantItem(NO_ORG),
    ]);
    await createBucket(motoEndpoint(), BUCKET);
  });
  // Handlers log JSON lines to stdout; keep them for assertions, out of the test output.
  const isolated = isolateHandlerEnvironment();

  /** The run's tenant list, as the Distributed Map's item reader sees it. */
  const tenantsOf = async (run: ListTenantsOutput): Promise<TenantRef[]> =>
    (await s3().text(BUCKET, run.tenantsKey))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TenantRef);
  const summarize = (run: ListTenantsOutput, map: Awaited<ReturnType<typeof runDistributedMap>>) =>
    writeRunManifest({ runId: run.runId, startedAt: run.startedAt, resultWriterDetails: map.ResultWriterDetails });
  const manifestOf = async (prefix: string, run: ListTenantsOutput): Promise<RunSummary> =>
    JSON.parse(await s3().text(BUCKET, `${prefix}dt=${run.startedAt.slice(0, 10)}/_manifests/${run.runId}.json`));
  const failedRecord = (tenantId: string, code: string) => ({
    tenantId,
    tenantName: '',
    status: 'failed' as const,
    accounts: 0,
    durationMs: 1,
    error: { code, message: `${code}: denied`, hint: 'fix the role' },
  });
  /** A copy of the run's list with no line: a Map run that started no child. */
  const emptyListOf = async (run: ListTenantsOutput): Promise<ListTenantsOutput> => {
    const key = `${run.tenantsKey}.empty`;
    await s3().put(BUCKET, key, '');
    return { ...run, tenantsKey: key };
  };

  const logLines = () => isolated.stdout().mock.calls.map(([line]) => String(line));
  /** Embedded Metric Format records: lines CloudWatch turns into metrics. */
  const metricRecords = () =>
    logLines()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => '_aws' in record);

  it('single mode: writes every report and the manifest, then fails the invocation because a tenant failed', async () => {
    useEnvironment({ REPORT_PREFIX: 'single/' });
    const failure = handler({}, lambdaContext(FIFTEEN_MINUTES));
    await expect(failure).rejects.toMatchObject({ name: 'RunFailedError' });
    await expect(failure).rejects.toThrow('1 tenant(s) failed: 106000000003 (AWSOrganizationsNotInUseException)');
    const keys = await s3().keys(BUCKET);
    expect(keys.filter((k) => k.startsWith('single/') && k.endsWith('.csv'))).toEqual(
      [`single/dt=${today()}/tenant_id=${GOOD}/accounts.csv`, `single/dt=${today()}/tenant_id=${ALSO_GOOD}/accounts.csv`].sort(),
    );
    const manifestKey = keys.find((k) => k.startsWith(`single/dt=${today()}/_manifests/`)) ?? '';
    const manifest: RunSummary = JSON.parse(await s3().text(BUCKET, manifestKey));
    // A first snapshot: changes are detected (none yet), so totals.changes is 0.
    expect(manifest.totals).toEqual({ tenants: 3, succeeded: 2, failed: 1, accounts: 3, changes: 0 });
    // The Lambda wires the same Part 2 outputs as the CLI: Parquet, the pointer, the run report.
    expect(keys.filter((k) => k.startsWith('single/') && !k.endsWith('.csv') && !k.includes('_manifests/'))).toEqual(
      [
        `single/_latest/tenant_id=${ALSO_GOOD}.json`,
        `single/_latest/tenant_id=${GOOD}.json`,
        `single/dt=${today()}/_reports/${manifest.runId}.html`,
        `single/dt=${today()}/tenant_id=${ALSO_GOOD}/accounts.parquet`,
        `single/dt=${today()}/tenant_id=${GOOD}/accounts.parquet`,
        // The SQL tables' symlink manifests (docs/sql.md), for the succeeded tenants only.
        `single/tables/accounts/dt=${today()}/${ALSO_GOOD}.txt`,
        `single/tables/accounts/dt=${today()}/${GOOD}.txt`,
      ].sort(),
    );
    for (const line of logLines()) expect(() => JSON.parse(line)).not.toThrow();
    expect(logLines().join('')).not.toContain('lambda-external-id');
    expect(metricRecords()).toEqual([]);
  });

  it('single mode: succeeds when every tenant succeeds', async () => {
    await seedTenantTable(motoEndpoint(), 'lambda-ok-tenants', [tenantItem(GOOD), tenantItem(ALSO_GOOD)]);
    useEnvironment({ REPORT_PREFIX: 'single-ok/', TENANTS_TABLE_NAME: 'lambda-ok-tenants', COLLECTOR_NAME: 'OrgmetaCollector' });
    const totals = await handler({}, lambdaContext(FIFTEEN_MINUTES));
    expect(totals).toMatchObject({ tenants: 2, succeeded: 2, failed: 0, accounts: 3 });
    // The record the NoSuccessfulRun alarm counts.
    expect(metricRecords()).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [{ Namespace: 'Orgmeta', Dimensions: [['Collector']], Metrics: [{ Name: 'RunsSucceeded', Unit: 'Count' }] }],
        },
        Collector: 'OrgmetaCollector',
        RunsSucceeded: 1,
        runId: totals.runId,
      },
    ]);
  });

  it('single mode: stops before the Lambda timeout, writes the manifest and names the unfinished tenants', async () => {
    // Prepare: the invocation has no more time than the margin kept for the manifest.
    useEnvironment({ REPORT_PREFIX: 'deadline/', TENANTS_TABLE_NAME: TABLE });
    // Act
    const failure = handler({}, lambdaContext(DEADLINE_MARGIN_MS));
    // Assess
    await expect(failure).rejects.toMatchObject({ name: 'RunDeadlineError', unfinishedTenantIds: [GOOD, ALSO_GOOD, NO_ORG] });
    await expect(failure).rejects.toThrow(
      `stopped 60 s before the Lambda timeout with 3 tenant(s) unfinished: ${GOOD}, ${ALSO_GOOD}, ${NO_ORG}; the manifest deadline/dt=`,
    );
    const keys = await s3().keys(BUCKET);
    const manifestKey = keys.find((k) => k.startsWith(`deadline/dt=${today()}/_manifests/`)) ?? '';
    const manifest: RunSummary = JSON.parse(await s3().text(BUCKET, manifestKey));
    expect(manifest.tenants.map((t) => [t.tenantId, t.error?.code])).toEqual([
      [GOOD, 'InterruptedError'],
      [ALSO_GOOD, 'InterruptedError'],
      [NO_ORG, 'InterruptedError'],
    ]);
    expect(keys.filter((k) => k.startsWith('deadline/') && k.endsWith('.csv'))).toEqual([]);
    expect(metricRecords()).toEqual([]);
  });

  it('fan-out: a failed tenant result stays small whatever the error says (100 KB AWS message)', async () => {
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [
        {
          when: (c) => c.operation === 'DescribeOrganization',
          respond: { kind: 'error', status: 400, code: 'AccessDeniedException', message: `denied ${'x'.repeat(100 * 1024)}` },
        },
      ],
    });
    let result: TenantResult;
    try {
      useEnvironment({ REPORT_PREFIX: 'huge-error/', TENANTS_TABLE_NAME: TABLE, AWS_MAX_ATTEMPTS: '1' });
      process.env.AWS_ENDPOINT_URL = proxy.endpoint;
      resetLambdaComposition();
      result = await collectRecord({ runId: 'r3', startedAt: new Date().toISOString(), tenant: { tenantId: GOOD, tenantName: '' } });
    } finally {
      await proxy.stop();
    }
    expect(result).toMatchObject({ status: 'failed', error: { code: 'AccessDeniedException' } });
    expect(result.error?.message).toMatch(/^DescribeOrganization failed: denied x+… \(\d+ more characters\)$/);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(2048);
  });

  it('fan-out: an error outside the collection (table unreadable) becomes a bounded failed result, not a stack trace in the state', async () => {
    useEnvironment({ REPORT_PREFIX: 'no-table/', TENANTS_TABLE_NAME: 'lambda-no-such-table' });
    const result = await collectRecord({ runId: 'r4', startedAt: new Date().toISOString(), tenant: { tenantId: GOOD, tenantName: '' } });
    expect(result).toMatchObject({ tenantId: GOOD, status: 'failed', accounts: 0, error: { code: 'ResourceNotFoundException' } });
    expect(result.error?.message).toContain('Could not read tenant table lambda-no-such-table');
    expect(result.error?.hint).toContain('TENANTS_TABLE_NAME');
    expect(JSON.stringify(result)).not.toMatch(/\n|    at /);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(2048);
  });

  it('fan-out: the plan step bounds what the table says in the run files, and the state holds only keys and a count', async () => {
    await seedTenantTable(motoEndpoint(), 'lambda-hostile-tenants', [
      tenantItem(GOOD, { name: `n\n${'a'.repeat(10_000)}` }),
      tenantItem(`1${'2'.repeat(50_000)}`),
    ]);
    useEnvironment({ REPORT_PREFIX: 'hostile/', TENANTS_TABLE_NAME: 'lambda-hostile-tenants' });
    const run = await listTenants();
    expect(run).toEqual({
      runId: run.runId,
      startedAt: run.startedAt,
      bucket: BUCKET,
      tenantsKey: `hostile/_runs/${run.runId}/tenants.jsonl`,
      resultsPrefix: `hostile/_runs/${run.runId}/results`,
      tenantCount: 1,
    });
    const tenants = await tenantsOf(run);
    expect(tenants).toHaveLength(1);
    expect(tenants[0].tenantName).toMatch(/^n\\na+… \(\d+ more characters\)$/);
    const plan = JSON.parse(await s3().text(BUCKET, `hostile/_runs/${run.runId}/plan.json`));
    expect(plan.invalidRecords).toHaveLength(1);
    expect(plan.invalidRecords[0].key.length).toBeLessThan(400);
  });

  it('fan-out: the state stays the same size whatever the fleet (1,000 tenants: one JSONL line each, not in the state)', async () => {
    const table = 'lambda-fleet-tenants';
    await seedTenantTable(
      motoEndpoint(),
      table,
      Array.from({ length: 1000 }, (_, i) =>
        tenantItem(`1300${String(i).padStart(8, '0')}`, { name: `Tenant ${i}`, externalId: `fleet-secret-${i}` }),
      ),
    );
    useEnvironment({ REPORT_PREFIX: 'fleet/', TENANTS_TABLE_NAME: table });
    const run = await listTenants();
    expect(run.tenantCount).toBe(1000);
    expect(Buffer.byteLength(JSON.stringify(run))).toBeLessThan(512);
    const jsonl = await s3().text(BUCKET, run.tenantsKey);
    expect(jsonl.split('\n').filter(Boolean)).toHaveLength(1000);
    expect(jsonl).not.toContain('fleet-secret');
  });

  it('fan-out: plan -> one child per JSONL line -> summarize from the result files, with no ExternalId in the state or the list', async () => {
    useEnvironment({ REPORT_PREFIX: 'fanout/', TENANTS_TABLE_NAME: TABLE });
    const run = await listTenants();
    // Each tenant carries its item's key (not an ExternalId): its task reads that one item.
    expect(await tenantsOf(run)).toEqual([
      { tenantId: GOOD, tenantName: '', key: [{ name: 'pk', type: 'S', value: 'item-0001' }] },
      { tenantId: ALSO_GOOD, tenantName: '', key: [{ name: 'pk', type: 'S', value: 'item-0002' }] },
      { tenantId: NO_ORG, tenantName: '', key: [{ name: 'pk', type: 'S', value: 'item-0003' }] },
    ]);
    expect(JSON.stringify(run)).not.toContain('lambda-external-id');
    expect(await s3().text(BUCKET, run.tenantsKey)).not.toContain('lambda-external-id');
    const map = await runDistributedMap(run, async (input) => ({ status: 'SUCCEEDED', output: await collectRecord(input) }));
    const rows = parse(await s3().text(BUCKET, `fanout/dt=${run.startedAt.slice(0, 10)}/tenant_id=${GOOD}/accounts.csv`), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((r) => r.account_name).sort()).toEqual(['good-member', 'master']);
    // Each tenant task lists its own Parquet object for the SQL tables; the failed one lists nothing.
    const day = run.startedAt.slice(0, 10);
    expect((await s3().keys(BUCKET)).filter((k) => k.startsWith('fanout/tables/'))).toEqual(
      [`fanout/tables/accounts/dt=${day}/${GOOD}.txt`, `fanout/tables/accounts/dt=${day}/${ALSO_GOOD}.txt`].sort(),
    );
    expect(await s3().text(BUCKET, `fanout/tables/accounts/dt=${day}/${GOOD}.txt`)).toBe(
      `s3://${BUCKET}/fanout/dt=${day}/tenant_id=${GOOD}/accounts.parquet\n`,
    );
    await expect(summarize(run, map)).rejects.toThrow(`Run ${run.runId}: 1 of 3 tenant(s) failed`);
    expect(metricRecords()).toEqual([]);
    const manifest = await manifestOf('fanout/', run);
    expect(manifest.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      [GOOD, 'succeeded', undefined],
      [ALSO_GOOD, 'succeeded', undefined],
      [NO_ORG, 'failed', 'AWSOrganizationsNotInUseException'],
    ]);
    expect(manifest.totals).toEqual({ tenants: 3, succeeded: 2, failed: 1, accounts: 3, changes: 0 });
  });

  it("fan-out: every tenant succeeding makes a successful run, told by its metric; the run's left-behind checkpoints are swept", async () => {
    const table = 'lambda-fanout-ok';
    await seedTenantTable(motoEndpoint(), table, [tenantItem(GOOD), tenantItem(ALSO_GOOD)]);
    useEnvironment({ REPORT_PREFIX: 'fanout-ok/', TENANTS_TABLE_NAME: table });
    const run = await listTenants();
    const map = await runDistributedMap(run, async (input) => ({ status: 'SUCCEEDED', output: await collectRecord(input) }));
    // A checkpoint a stopped child left behind: the summarize step sweeps it with the run.
    const leftBehind = `fanout-ok/_runs/${run.runId}/checkpoints/${GOOD}.json.gz`;
    await s3().put(BUCKET, leftBehind, 'emails and tags of the organization');
    await expect(summarize(run, map)).resolves.toEqual({ runId: run.runId, failed: 0 });
    expect((await manifestOf('fanout-ok/', run)).totals).toMatchObject({ tenants: 2, succeeded: 2, failed: 0 });
    expect((await s3().keys(BUCKET)).filter((key) => key.startsWith(`fanout-ok/_runs/${run.runId}/`))).not.toContain(leftBehind);
    expect(logLines().join('')).toContain(`Run ${run.runId}: deleted 1 checkpoint(s) left behind`);
    expect(metricRecords()).toEqual([expect.objectContaining({ Collector: 'orgmeta', RunsSucceeded: 1, runId: run.runId })]);
  });

  it('fan-out: the manifest is written when every tenant fails, failed child executions included (error and cause kept, never lost)', async () => {
    useEnvironment({ REPORT_PREFIX: 'fanout-all-failed/', TENANTS_TABLE_NAME: TABLE });
    const run = await listTenants();
    // One child ends FAILED (e.g. timed out past the task's catch), the others return failed tenant records.
    const map = await runDistributedMap(run, async (input) =>
      input.tenant.tenantId === GOOD
        ? { status: 'FAILED', error: 'States.Timeout', cause: 'The child execution timed out.' }
        : { status: 'SUCCEEDED', output: failedRecord(input.tenant.tenantId, 'AccessDenied') },
    );
    await expect(summarize(run, map)).rejects.toThrow(`Run ${run.runId}: 3 of 3 tenant(s) failed`);
    const manifest = await manifestOf('fanout-all-failed/', run);
    expect(manifest.totals).toEqual({ tenants: 3, succeeded: 0, failed: 3, accounts: 0 });
    expect(manifest.tenants.map((t) => [t.tenantId, t.status, t.error?.code])).toEqual([
      [GOOD, 'failed', 'States.Timeout'],
      [ALSO_GOOD, 'failed', 'AccessDenied'],
      [NO_ORG, 'failed', 'AccessDenied'],
    ]);
    expect(manifest.tenants[0].error?.message).toBe("The tenant's child execution ended FAILED: The child execution timed out.");
  });

  it('fan-out: a tenant of the list that no result file mentions is a failed tenant in the manifest (0 succeeded)', async () => {
    useEnvironment({ REPORT_PREFIX: 'fanout-missing/', TENANTS_TABLE_NAME: TABLE });
    const run = await listTenants();
    // A Map run that wrote no result at all (a manifest listing no file).
    const map = await runDistributedMap(await emptyListOf(run), async () => ({ status: 'FAILED', error: 'x', cause: 'x' }));
    await expect(summarize(run, map)).rejects.toThrow(`Run ${run.runId}: 3 of 3 tenant(s) failed`);
    const manifest = await manifestOf('fanout-missing/', run);
    expect(manifest.tenants.map((t) => t.error?.code)).toEqual(['TenantResultMissing', 'TenantResultMissing', 'TenantResultMissing']);
  });

  it('fan-out: a missing result manifest fails the summarize step, naming the key, and still releases nothing it does not hold', async () => {
    useEnvironment({ REPORT_PREFIX: 'fanout-no-results/', TENANTS_TABLE_NAME: TABLE });
    const run = await listTenants();
    const gone = { Bucket: BUCKET, Key: `${run.resultsPrefix}/nope/manifest.json` };
    await expect(writeRunManifest({ runId: run.runId, startedAt: run.startedAt, resultWriterDetails: gone })).rejects.toThrow(
      `The result writer's manifest s3://${BUCKET}/${gone.Key} does not exist`,
    );
  });

  it('single mode: with REQUIRE_EXTERNAL_ID=true (the stack default) a tenant without an ExternalId is refused, the others collected', async () => {
    useEnvironment({ REPORT_PREFIX: 'require-id/', TENANTS_TABLE_NAME: TABLE, REQUIRE_EXTERNAL_ID: 'true' });
    const failure = handler({}, lambdaContext(FIFTEEN_MINUTES));
    await expect(failure).rejects.toThrow(`2 tenant(s) failed: ${ALSO_GOOD} (ExternalIdMissing), ${NO_ORG} (ExternalIdMissing)`);
    const keys = await s3().keys(BUCKET);
    expect(keys.filter((k) => k.startsWith('require-id/') && k.endsWith('.csv'))).toEqual([
      `require-id/dt=${today()}/tenant_id=${GOOD}/accounts.csv`,
    ]);
  });

  it('fan-out: each tenant task reads its own item by key (GetItem), not the whole table', async () => {
    const table = 'lambda-by-key-tenants';
    await seedTenantTable(motoEndpoint(), table, [tenantItem(GOOD, { name: 'Good' })]);
    useEnvironment({ REPORT_PREFIX: 'by-key/', TENANTS_TABLE_NAME: table });
    const run = await listTenants();
    const tenants = await tenantsOf(run);
    expect(tenants).toEqual([{ tenantId: GOOD, tenantName: 'Good', key: [{ name: 'pk', type: 'S', value: 'item-0001' }] }]);
    // A conflicting duplicate of the tenant appears after planning. A scan would find both items and refuse
    // them both as conflicting; the task reads only the item the plan step chose.
    await new DynamoDBClient(clientOptions(motoEndpoint())).send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'item-9999' }, ...tenantItem(GOOD, { name: 'Impostor' }) } }),
    );
    const byKey = await collectRecord({ runId: run.runId, startedAt: run.startedAt, tenant: tenants[0] });
    expect([byKey.status, byKey.tenantName]).toEqual(['succeeded', 'Good']);
    // Without a key (a table whose key schema could not be read) the task scans, and sees the conflict.
    const scanned = await collectRecord({ runId: run.runId, startedAt: run.startedAt, tenant: { tenantId: GOOD, tenantName: 'Good' } });
    expect([scanned.status, scanned.error?.code]).toEqual(['failed', 'TenantNotSelected']);
  });

  it('fan-out: a tenant that stays throttled is thrown back to Step Functions to retry later', async () => {
    // The fault proxy answers every DescribeOrganization with TooManyRequestsException.
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [
        { when: (c) => c.operation === 'DescribeOrganization', respond: { kind: 'error', status: 400, code: 'TooManyRequestsException' } },
      ],
    });
    try {
      useEnvironment({ REPORT_PREFIX: 'throttled/', TENANTS_TABLE_NAME: TABLE, AWS_MAX_ATTEMPTS: '1' });
      process.env.AWS_ENDPOINT_URL = proxy.endpoint;
      resetLambdaComposition();
      await expect(
        collectOneTenant({ runId: 'r1', startedAt: new Date().toISOString(), tenant: { tenantId: GOOD, tenantName: '' } }),
      ).rejects.toMatchObject({ name: 'TenantThrottledError' });
    } finally {
      await proxy.stop();
    }
  });

  it('fan-out: a tenant that left the table since the list step fails on its own, with a reason', async () => {
    useEnvironment({ REPORT_PREFIX: 'left/', TENANTS_TABLE_NAME: TABLE });
    const result = await collectRecord({
      runId: 'r2',
      startedAt: new Date().toISOString(),
      tenant: { tenantId: '106000000099', tenantName: 'gone' },
    });
    expect(result).toMatchObject({
      tenantId: '106000000099',
      tenantName: 'gone',
      status: 'failed',
      error: { code: 'TenantNotSelected', message: 'The tenant left the selection while the run was under way.' },
    });
  });
});

describe('Lambda composition and logs', () => {
  const isolated = isolateHandlerEnvironment();
  afterEach(() => resetLambdaComposition());
  const logRecords = () => isolated.stdout().mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);

  it('is built once per container and hands its one masker, seeded with the run-wide ExternalId, to the pipeline', () => {
    useEnvironment({ CROSS_ACCOUNT_EXTERNAL_ID: 'run-wide-external-id' });
    const composition = lambdaComposition();
    expect(lambdaComposition()).toBe(composition);
    expect(composition.deps.secrets).toBe(composition.secrets);
    expect(composition.deps.logger).toBe(composition.logger);
    expect(composition.secrets.mask('id=run-wide-external-id')).toBe('id=***');
  });

  it('refuses a LOG_LEVEL it does not know, naming the variable', () => {
    useEnvironment({ LOG_LEVEL: 'verbose' });
    expect(() => lambdaComposition()).toThrow('Invalid LOG_LEVEL: "verbose" is not one of DEBUG, INFO, WARN, ERROR.');
  });

  it("masks the run-wide ExternalId and each tenant's own in every line, and logs DEBUG only when LOG_LEVEL asks", async () => {
    // Prepare: AWS quotes both ExternalIds back in its error for GOOD's AssumeRole.
    await seedTenantTable(motoEndpoint(), 'lambda-secret-tenants', [tenantItem(GOOD, { externalId: 'tenant-own-external-id' })]);
    const proxy = await startFaultProxy({
      target: motoEndpoint(),
      rules: [
        {
          when: (c) => c.operation === 'AssumeRole',
          respond: {
            kind: 'error',
            status: 403,
            code: 'AccessDenied',
            message: 'ExternalId tenant-own-external-id (run-wide run-wide-external-id) does not match the role trust policy',
          },
        },
      ],
    });
    try {
      useEnvironment({
        REPORT_PREFIX: 'secrets/',
        TENANTS_TABLE_NAME: 'lambda-secret-tenants',
        CROSS_ACCOUNT_EXTERNAL_ID: 'run-wide-external-id',
        LOG_LEVEL: 'debug',
        AWS_MAX_ATTEMPTS: '1',
      });
      process.env.AWS_ENDPOINT_URL = proxy.endpoint;
      resetLambdaComposition();
      // Act
      await expect(handler({}, lambdaContext(FIFTEEN_MINUTES))).rejects.toMatchObject({ name: 'RunFailedError' });
    } finally {
      await proxy.stop();
    }
    // Assess
    const records = logRecords();
    const output = JSON.stringify(records);
    expect(output).not.toContain('tenant-own-external-id');
    expect(output).not.toContain('run-wide-external-id');
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'DEBUG', message: 'Collecting tenant', tenantId: GOOD }),
        expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('ExternalId *** (run-wide ***) does not match') }),
      ]),
    );
  });

  it('logs no DEBUG lines at the default level', async () => {
    await seedTenantTable(motoEndpoint(), 'lambda-quiet-tenants', [tenantItem(ALSO_GOOD)]);
    useEnvironment({ REPORT_PREFIX: 'quiet/', TENANTS_TABLE_NAME: 'lambda-quiet-tenants' });
    await handler({}, lambdaContext(FIFTEEN_MINUTES));
    expect(logRecords().map((r) => r.level)).not.toContain('DEBUG');
    expect(logRecords().length).toBeGreaterThan(0);
  });
});
