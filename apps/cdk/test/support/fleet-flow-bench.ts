/**
 * `npm run bench -- --fleet` (tools/src/bench.ts spawns this with ts-node): the whole fan-out flow
 * over 1,000 tenants in one process against moto and the fault proxy (1,000 synthetic organizations
 * x 5 accounts, 5 of them x 1,000 accounts collected across several invocations, AssumeRole denied for 20). Prints tenants, succeeded/failed, wall time and the
 * largest payload that would travel in the execution state; exits non-zero unless that payload stays
 * under 10 KB and the manifest lists every tenant with exactly the denied ones failed.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import { S3Objects, startMotoServer } from '@orgmeta/test-support';
import { DEFAULT_MAX_CONCURRENCY } from '../../src/constructs/fanout-collector';
import { CHUNK_MARGIN_MS } from '../../src/handlers/fanout';
import { fanoutLambdaEnvironment, runFanoutFlow, startSyntheticFleet } from './local-fanout';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TENANTS = 1000;
const ACCOUNTS_PER_TENANT = 5;
// A few tenants too large for one (bench-sized) invocation, so children loop: 1,000 tag calls and 50
// ListAccounts pages at 20 per second do not fit fewer than three 20 s chunks.
const LARGE_TENANTS = 5;
const LARGE_ACCOUNTS = 1000;
const CHUNK_SECONDS = 20;
const FAILING = 20;
const PAYLOAD_LIMIT_BYTES = 10 * 1024;
const TABLE = 'flow-bench-tenants';
const BUCKET = 'flow-bench-reports';
const PREFIX = 'flow-bench/';

function check(ok: boolean, what: string, problems: string[]): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) problems.push(what);
}

async function main(): Promise<void> {
  const moto = await startMotoServer();
  try {
    console.log(
      `Seeding ${TENANTS.toLocaleString('en-US')} tenants (synthetic organizations x ${ACCOUNTS_PER_TENANT} accounts, ${FAILING} denied AssumeRole)…`,
    );
    const fleet = await startSyntheticFleet({
      motoEndpoint: moto.endpoint,
      table: TABLE,
      bucket: BUCKET,
      tenants: TENANTS,
      accountsPerTenant: ACCOUNTS_PER_TENANT,
      failing: FAILING,
      fleetNumber: 0,
      largeTenants: { count: LARGE_TENANTS, accounts: LARGE_ACCOUNTS },
    });
    // The Lambda logs (JSON lines on stdout) go to a file: 1,000 tenants write thousands of lines.
    const logLines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    try {
      const environment = fanoutLambdaEnvironment(fleet.proxy.endpoint, {
        tableName: TABLE,
        roleName: 'OrgMetaReader',
        bucketName: BUCKET,
        prefix: PREFIX,
        expectedBucketOwner: '123456789012',
        collectorName: 'orgmeta-flow-bench',
        requireExternalId: true,
      });
      // The construct's default MaxConcurrency (what the synthesized Map gets without -c maxConcurrency).
      console.log(`Running plan → Distributed Map (MaxConcurrency ${DEFAULT_MAX_CONCURRENCY}) → summarize…`);
      const started = process.hrtime.bigint();
      process.stdout.write = ((chunk: string | Uint8Array) => {
        logLines.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      let outcome: Awaited<ReturnType<typeof runFanoutFlow>>;
      try {
        outcome = await runFanoutFlow({
          environment,
          s3Endpoint: moto.endpoint,
          maxConcurrency: DEFAULT_MAX_CONCURRENCY,
          // Each collect invocation gets CHUNK_SECONDS of work before its margin (a real one gets 13 minutes).
          collectRemainingMs: CHUNK_MARGIN_MS + CHUNK_SECONDS * 1000,
        });
      } finally {
        process.stdout.write = write;
      }
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const logFile = join(tmpdir(), `orgmeta-flow-bench-${outcome.run.runId}.log`);
      writeFileSync(logFile, logLines.join(''));
      const manifest = JSON.parse(
        await new S3Objects(moto.endpoint).text(
          BUCKET,
          `${PREFIX}dt=${outcome.run.startedAt.slice(0, 10)}/_manifests/${outcome.run.runId}.json`,
        ),
      ) as RunSummary;
      const failed = manifest.tenants.filter((t) => t.status === 'failed');
      const largeIds = fleet.tenantIds.slice(0, LARGE_TENANTS);
      const largeInvocations = largeIds.map((id) => outcome.invocationsByTenant.get(id) ?? 0);
      const checkpointsLeft = (await new S3Objects(moto.endpoint).keys(BUCKET)).filter((key) => key.includes('/checkpoints/'));
      console.log('\nFan-out flow benchmark (in process, against moto + fault proxy)');
      const rows: [string, string][] = [
        ['tenants', `${manifest.totals.tenants} (${outcome.children} child executions, at most ${outcome.peakChildrenInFlight} at once)`],
        ['succeeded / failed', `${manifest.totals.succeeded} / ${manifest.totals.failed}`],
        ['accounts', String(manifest.totals.accounts)],
        [
          'collect invocations',
          `${outcome.invocations} (the ${LARGE_TENANTS} tenants of ${LARGE_ACCOUNTS} accounts: ${largeInvocations.join(', ')} each, ${CHUNK_SECONDS} s per invocation)`,
        ],
        ['checkpoints left', String(checkpointsLeft.length)],
        [
          'execution',
          outcome.execution.status === 'SUCCEEDED' ? 'SUCCEEDED' : `FAILED (${outcome.execution.error}: ${outcome.execution.cause})`,
        ],
        [
          'wall time',
          `${(wallMs / 1000).toFixed(1)} s (${(wallMs / TENANTS).toFixed(0)} ms per tenant at concurrency ${DEFAULT_MAX_CONCURRENCY})`,
        ],
        [
          'largest state payload',
          `${outcome.largestPayload.bytes} bytes (${outcome.largestPayload.what}; ${outcome.payloadsMeasured} measured)`,
        ],
        ['handler log lines', `${logLines.length} (in ${logFile})`],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
      const problems: string[] = [];
      console.log('\nChecks');
      check(outcome.largestPayload.bytes < PAYLOAD_LIMIT_BYTES, `largest state payload under ${PAYLOAD_LIMIT_BYTES} bytes`, problems);
      const listed = new Set(manifest.tenants.map((t) => t.tenantId));
      check(listed.size === TENANTS && fleet.tenantIds.every((id) => listed.has(id)), `manifest lists all ${TENANTS} tenants`, problems);
      const failedIds = failed.map((t) => t.tenantId).sort();
      check(
        JSON.stringify(failedIds) === JSON.stringify([...fleet.failingIds].sort()) && failed.every((t) => t.error?.code === 'AccessDenied'),
        `exactly the ${FAILING} denied tenants failed, with AccessDenied`,
        problems,
      );
      check(
        largeInvocations.every((n) => n >= 3) &&
          manifest.tenants.filter((t) => largeIds.includes(t.tenantId)).every((t) => t.accounts === LARGE_ACCOUNTS),
        `the ${LARGE_TENANTS} large tenants were collected whole across at least 3 invocations each`,
        problems,
      );
      check(checkpointsLeft.length === 0, 'no checkpoint left behind', problems);
      check(
        outcome.execution.status === 'FAILED',
        'the summarize step fails the execution (RunFailedError) after writing the manifest',
        problems,
      );
      if (problems.length > 0) {
        console.error(`\n${problems.length} check(s) failed: ${problems.join('; ')}`);
        process.exitCode = 1;
      }
    } finally {
      await fleet.proxy.stop();
    }
  } finally {
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
