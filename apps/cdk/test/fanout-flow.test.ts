import type { RunSummary } from '@orgmeta/core';
import { S3Objects, motoEndpoint } from '@orgmeta/test-support';
import { CHUNK_MARGIN_MS } from '../src/handlers/fanout';
import { fanoutLambdaEnvironment, runFanoutFlow, startSyntheticFleet, type SyntheticFleet } from './support/local-fanout';
import { isolateHandlerEnvironment } from './support/handler-environment';

const TABLE = 'flow-ci-tenants';
const BUCKET = 'flow-ci-reports';
const PREFIX = 'flow-ci/';

describe('The fan-out flow in one process (plan → Distributed Map → summarize)', () => {
  let fleet: SyntheticFleet;

  beforeAll(async () => {
    fleet = await startSyntheticFleet({
      motoEndpoint: motoEndpoint(),
      table: TABLE,
      bucket: BUCKET,
      tenants: 60,
      accountsPerTenant: 5,
      failing: 3,
      fleetNumber: 1,
      // Two tenants too large for one (test-sized) invocation: their children loop.
      largeTenants: { count: 2, accounts: 600 },
    });
  });
  afterAll(() => fleet.proxy.stop());
  // The handlers log JSON lines to stdout: out of the test output.
  isolateHandlerEnvironment();

  it('lists all 60 tenants in the manifest, the 3 denied AssumeRole as failed, resumes the 2 large ones, with no state payload over 10 KB', async () => {
    // Prepare: the Lambda environment as the construct wires it, every SDK call through the fault proxy.
    const environment = fanoutLambdaEnvironment(
      fleet.proxy.endpoint,
      {
        tableName: TABLE,
        roleName: 'OrgMetaReader',
        bucketName: BUCKET,
        prefix: PREFIX,
        expectedBucketOwner: '123456789012',
        collectorName: 'orgmeta-flow-ci',
        requireExternalId: true,
      },
      { ORG_RPS: '100' },
    );

    // Act: each collect invocation has 2 s before its chunk margin. A large tenant's 600 tag calls,
    // 30 ListAccounts pages and DescribeOrganization at 100/s (a burst of 100 in its first chunk
    // only) cannot fit fewer than three.
    const outcome = await runFanoutFlow({
      environment,
      s3Endpoint: motoEndpoint(),
      maxConcurrency: 8,
      collectRemainingMs: CHUNK_MARGIN_MS + 2_000,
    });

    // Assess: one child per tenant, at most MaxConcurrency at once; the run fails because tenants failed, after writing the manifest.
    expect(outcome.children).toBe(60);
    expect(outcome.peakChildrenInFlight).toBe(8);
    expect(outcome.execution).toMatchObject({
      status: 'FAILED',
      error: 'RunFailedError',
      cause: expect.stringContaining('3 of 60 tenant(s) failed'),
    });
    const manifest = JSON.parse(
      await new S3Objects(motoEndpoint()).text(
        BUCKET,
        `${PREFIX}dt=${outcome.run.startedAt.slice(0, 10)}/_manifests/${outcome.run.runId}.json`,
      ),
    ) as RunSummary;
    expect(manifest.tenants.map((t) => t.tenantId).sort()).toEqual([...fleet.tenantIds].sort());
    expect(manifest.tenants.filter((t) => t.status === 'failed').map((t) => [t.tenantId, t.error?.code])).toEqual(
      fleet.failingIds.map((id) => [id, 'AccessDenied']),
    );
    expect(manifest.totals).toMatchObject({ tenants: 60, succeeded: 57, failed: 3, accounts: 55 * 5 + 2 * 600 });
    const [large1, large2] = fleet.tenantIds;
    expect(manifest.tenants.filter((t) => t.tenantId === large1 || t.tenantId === large2).map((t) => t.accounts)).toEqual([600, 600]);
    expect(outcome.invocationsByTenant.get(large1)).toBeGreaterThanOrEqual(3);
    expect(outcome.invocationsByTenant.get(large2)).toBeGreaterThanOrEqual(3);
    // Every finished tenant's checkpoint is gone.
    const keys = await new S3Objects(motoEndpoint()).keys(BUCKET);
    expect(keys.filter((key) => key.includes('/checkpoints/'))).toEqual([]);
    // Every handler input and output (a `{ resume }` answer too), and the state between steps, stays small whatever the fleet.
    expect(outcome.payloadsMeasured).toBe(1 + 1 + 60 * 2 + (outcome.invocations - 60) + 1 + 1);
    expect(outcome.largestPayload.bytes).toBeLessThan(10 * 1024);
  });
});
