import { gunzipSync } from 'node:zlib';
import { S3Objects, motoEndpoint } from '@orgmeta/test-support';
import { resetLambdaComposition } from '../src/handlers/composition';
import { CHUNK_MARGIN_MS, collectOneTenant, type CollectTaskOutput } from '../src/handlers/fanout';
import { collectRecord, fanoutLambdaEnvironment, startSyntheticFleet, type SyntheticFleet } from './support/local-fanout';
import { isolateHandlerEnvironment } from './support/handler-environment';

const TABLE = 'resume-tenants';
const BUCKET = 'resume-reports';
const ACCOUNTS = 2_000;
// The org pace bounds how fast a chunk can go, however fast the machine: 2,000 tag calls, 100
// ListAccounts pages and DescribeOrganization at 400/s with a burst of 400 for the first chunk only
// (a resumed one goes on at its pace) are five 1 s chunks at the least; the test asks for four,
// leaving room for timers that fire late on a loaded machine.
const ORG_RPS = '400';
const CHUNK_BUDGET_MS = 1_000;
// A run that started now: one started over FANOUT_TENANT_HOURS ago would end its tenants as TenantOutOfTime.
const STARTED = new Date();
const RUN = {
  runId: `${STARTED.toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-c0ffee`,
  startedAt: STARTED.toISOString(),
};

/** The Lambda context of one invocation with `budgetMs` left before the chunk's margin. */
const invocation = (budgetMs: number) => ({ getRemainingTimeInMillis: () => CHUNK_MARGIN_MS + budgetMs });

describe('A tenant collected across several invocations (resumable tenants)', () => {
  let fleet: SyntheticFleet;
  const s3 = () => new S3Objects(motoEndpoint());

  beforeAll(async () => {
    fleet = await startSyntheticFleet({
      motoEndpoint: motoEndpoint(),
      table: TABLE,
      bucket: BUCKET,
      tenants: 1,
      accountsPerTenant: ACCOUNTS,
      failing: 0,
      fleetNumber: 3,
    });
  });
  afterAll(() => fleet.proxy.stop());
  isolateHandlerEnvironment();
  afterEach(() => fleet.proxy.setRules([]));

  /** The collect function's environment (as the construct wires it) with the report prefix given. */
  function useEnvironment(prefix: string, extra: Record<string, string> = {}): void {
    const environment = fanoutLambdaEnvironment(
      fleet.proxy.endpoint,
      {
        tableName: TABLE,
        roleName: 'OrgMetaReader',
        bucketName: BUCKET,
        prefix,
        expectedBucketOwner: '123456789012',
        collectorName: 'orgmeta-resume',
        requireExternalId: true,
      },
      { ORG_RPS, ...extra },
    );
    Object.assign(process.env, environment);
    resetLambdaComposition();
  }

  const tenantEvent = () => ({ ...RUN, tenant: { tenantId: fleet.tenantIds[0], tenantName: 'Tenant 0' } });
  const checkpointKeyOf = (prefix: string) => `${prefix}_runs/${RUN.runId}/checkpoints/${fleet.tenantIds[0]}.json.gz`;
  const reportFolder = (prefix: string) => `${prefix}dt=${RUN.startedAt.slice(0, 10)}/tenant_id=${fleet.tenantIds[0]}/`;

  /** Runs the child workflow's loop (task, Choice, Wait) until the task answers a record. */
  async function collectInChunks(prefix: string, budgetMs: number) {
    const answers: CollectTaskOutput[] = [];
    const checkpoints: string[] = [];
    for (;;) {
      const answer = await collectOneTenant(tenantEvent(), invocation(budgetMs));
      answers.push(answer);
      if (!('resume' in answer)) return { answers, checkpoints, result: answer };
      checkpoints.push(gunzipSync(await s3().bytes(BUCKET, checkpointKeyOf(prefix))).toString('utf8'));
      if (answers.length > 40) throw new Error('The tenant never finished');
    }
  }

  it('writes the same report, byte for byte, from four or more 1 s invocations as from one, and deletes its checkpoint', async () => {
    // Prepare: the whole tenant in one go (no deadline: the one-shot path, collectTenant), under its own prefix.
    useEnvironment('resume-once/');
    fleet.proxy.resetStats();
    const once = await collectRecord(tenantEvent());
    const onceCalls = fleet.proxy.stats().calls;

    // Act: the same run, in chunks of 1 s each.
    useEnvironment('resume-chunks/');
    fleet.proxy.resetStats();
    const chunked = await collectInChunks('resume-chunks/', CHUNK_BUDGET_MS);
    const chunkedCalls = fleet.proxy.stats().calls;

    // Assess: one record, in at least four invocations, each pause a deadline with no wait.
    expect(once).toMatchObject({ status: 'succeeded', accounts: ACCOUNTS });
    expect(chunked.result).toMatchObject({ status: 'succeeded', accounts: ACCOUNTS });
    expect(chunked.answers.length).toBeGreaterThanOrEqual(4);
    chunked.answers.slice(0, -1).forEach((answer, index) => {
      expect(answer).toEqual({ resume: { reason: 'deadline', chunks: index + 1, waitSeconds: 0 } });
    });
    // Every report object is the same bytes: CSV, Parquet, tag coverage (no baseline for either prefix).
    const onceKeys = (await s3().keys(BUCKET)).filter((key) => key.startsWith(reportFolder('resume-once/')));
    expect(onceKeys.map((key) => key.slice(reportFolder('resume-once/').length))).toEqual(
      expect.arrayContaining(['accounts.csv', 'accounts.parquet']),
    );
    for (const key of onceKeys) {
      const chunkedKey = key.replace('resume-once/', 'resume-chunks/');
      expect(Buffer.from(await s3().bytes(BUCKET, chunkedKey)).equals(Buffer.from(await s3().bytes(BUCKET, key)))).toBe(true);
    }
    // Resumed, not restarted: each account's tags read once, plus at most the calls in flight at each pause.
    expect(onceCalls.ListTagsForResource).toBe(ACCOUNTS);
    expect(chunkedCalls.ListTagsForResource).toBeGreaterThanOrEqual(ACCOUNTS);
    expect(chunkedCalls.ListTagsForResource).toBeLessThanOrEqual(ACCOUNTS + 20 * (chunked.answers.length - 1));
    expect(chunkedCalls.ListAccounts).toBeLessThanOrEqual(ACCOUNTS / 20 + chunked.answers.length - 1);
    // Each chunk assumed the role anew: credentials are never carried over.
    expect(fleet.proxy.stats().assumeRoleByAccount[fleet.tenantIds[0]]).toBe(chunked.answers.length);
    // The checkpoints grew from chunk to chunk and held the organization's answers only.
    const saved = chunked.checkpoints.map((text) => JSON.parse(text) as { accountPages: { accounts: unknown[] }[]; runId: string });
    const listed = saved.map((c) => c.accountPages.reduce((sum, page) => sum + page.accounts.length, 0));
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    expect(saved.every((c) => c.runId === RUN.runId)).toBe(true);
    for (const text of chunked.checkpoints) {
      expect(text).not.toContain('flow-external-id-0');
      expect(text).not.toMatch(/SecretAccessKey|SessionToken|AccessKeyId|ExternalId/i);
    }
    // The finished tenant's checkpoint is gone.
    expect(await s3().keys(BUCKET)).not.toContain(checkpointKeyOf('resume-chunks/'));
  });

  it('saves and waits when the organization keeps throttling, resumes at the learnt pace, and finishes', async () => {
    // Prepare: one attempt per call, and ListTagsForResource throttled 15 times from its 500th call
    // (the waits are not slept here, so the throttling must clear within a few chunks).
    useEnvironment('resume-throttled/', { AWS_MAX_ATTEMPTS: '1' });
    fleet.proxy.resetStats();
    fleet.proxy.setRules([
      {
        when: (call) => call.operation === 'ListTagsForResource' && call.nth >= 500,
        respond: { kind: 'error', status: 400, code: 'TooManyRequestsException', message: 'Rate exceeded (fault proxy)' },
        times: 15,
      },
    ]);

    // Act
    const first = await collectOneTenant(tenantEvent(), invocation(10 * 60_000));
    const checkpoint = JSON.parse(gunzipSync(await s3().bytes(BUCKET, checkpointKeyOf('resume-throttled/'))).toString('utf8')) as {
      organizationsRps: number;
      answers: Record<string, unknown>;
    };
    const rest = await collectInChunks('resume-throttled/', 10 * 60_000);

    // Assess: the first chunk paused on the throttle with what it had read, and asked for a wait.
    expect(first).toEqual({ resume: { reason: 'throttled', chunks: 1, waitSeconds: 30 } });
    expect(Object.keys(checkpoint.answers).filter((key) => key.startsWith('tags ')).length).toBeGreaterThanOrEqual(480);
    expect(checkpoint.organizationsRps).toBeLessThan(Number(ORG_RPS));
    expect(rest.result).toMatchObject({ status: 'succeeded', accounts: ACCOUNTS });
    expect(await s3().keys(BUCKET)).not.toContain(checkpointKeyOf('resume-throttled/'));
  });
});
