/**
 * `npm run bench`: measures collection speed against the Organizations rate limit, and memory.
 *
 * Default: moto behind the fault proxy (40 ms latency on every call, ListTagsForResource
 * limited to 20 TPS per account with a burst of 20), 6 tenants x 100 member accounts.
 * Runs the real CLI alternately with concurrency 1 everywhere (the sequential baseline)
 * and with the defaults, then prints wall times, the rate-limit lower bound, ratios,
 * throttled answers, calls in flight per account, and peak RSS.
 * `--big`: 1 tenant x 10,000 accounts (a synthetic organization): peak RSS and rows/s.
 * `--details`: 1 tenant x 1,000 accounts, one run per account-detail flag: wall time and calls per account.
 * `--fleet`: the fan-out flow (plan → Distributed Map → summarize) over 1,000 tenants, in one process:
 * wall time, succeeded/failed, the largest payload in the execution state (apps/cdk/test/support/fleet-flow-bench.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBucket,
  emulatorEnvironment,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  startMotoServer,
  tenantItem,
  type FaultProxyStats,
} from '@orgmeta/test-support';
import { orgmetaExecutable } from './orgmeta-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const LATENCY_MS = 40;
const TAGS_TPS = 20;
const TAGS_BURST = 20;
const ORGANIZATIONS_OPERATIONS = [
  'DescribeOrganization',
  'ListAccounts',
  'ListTagsForResource',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
];

interface Measured {
  readonly wallMs: number;
  readonly peakRssMb: number;
  readonly exitCode: number | null;
  readonly stdout: string;
}

/** Runs the CLI, sampling its peak RSS (VmHWM) from /proc until it exits. */
function runCli(args: string[], env: Record<string, string>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(orgmetaExecutable(), args, {
      cwd: mkdtempSync(join(tmpdir(), 'orgmeta-bench-')),
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let peakKb = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process has just exited
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) process.stderr.write(`CLI exited ${code}:\n${stderr}\n`);
      resolve({ wallMs, peakRssMb: peakKb / 1024, exitCode: code, stdout });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sum(record: Record<string, number>, keys?: string[]): number {
  return Object.entries(record)
    .filter(([k]) => !keys || keys.includes(k))
    .reduce((total, [, v]) => total + v, 0);
}

async function seedFleet(endpoint: string, tenants: number, membersPerTenant: number, firstId: number) {
  const ids = Array.from({ length: tenants }, (_, i) => String(firstId + i).padStart(12, '0'));
  await Promise.all(
    ids.map((id, t) =>
      seedOrganization(endpoint, {
        managementAccountId: id,
        accounts: Array.from({ length: membersPerTenant }, (_, i) => ({
          name: `bench-${t}-${i}`,
          email: `bench-${t}-${i}@example.com`,
          tags: [
            { key: 'CostCenter', value: `CC-${i % 7}` },
            { key: 'Owner', value: `team-${i % 5}` },
          ],
        })),
      }),
    ),
  );
  return ids;
}

async function fleetBench(runs: number): Promise<void> {
  const moto = await startMotoServer();
  try {
    const tenants = 6;
    const members = 100;
    console.log(`Seeding ${tenants} tenants x ${members} member accounts in moto…`);
    const ids = await seedFleet(moto.endpoint, tenants, members, 500000000001);
    await seedTenantTable(
      moto.endpoint,
      'bench-tenants',
      ids.map((id) => tenantItem(id)),
    );
    await createBucket(moto.endpoint, 'bench-reports');
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      latencyMs: LATENCY_MS,
      rateLimits: [{ operation: 'ListTagsForResource', tps: TAGS_TPS, burst: TAGS_BURST }],
    });
    const env = emulatorEnvironment(proxy.endpoint);
    const base = ['collect', '--table', 'bench-tenants', '--role-name', 'Reader', '--bucket', 'bench-reports', '--json', '--quiet'];
    const shapes = {
      baseline: [...base, '--prefix', 'bench-baseline', '--tenant-concurrency', '1', '--account-concurrency', '1'],
      // Defaults: Parquet beside the CSV, changes against the previous run, the HTML report.
      defaults: [...base, '--prefix', 'bench-defaults'],
      // Part 1's objects only, to measure what the fleet inventory costs.
      csvOnly: [...base, '--prefix', 'bench-csv-only', ...CSV_ONLY],
    };
    const results: Record<keyof typeof shapes, { run: Measured; stats: FaultProxyStats }[]> = { baseline: [], defaults: [], csvOnly: [] };
    for (let i = 0; i < runs; i += 1) {
      for (const shape of ['baseline', 'defaults', 'csvOnly'] as const) {
        proxy.resetStats();
        const run = await runCli(shapes[shape], env);
        if (run.exitCode !== 0) throw new Error(`${shape} run failed`);
        results[shape].push({ run, stats: proxy.stats() });
        console.log(`  run ${i + 1} ${shape.padEnd(8)} ${(run.wallMs / 1000).toFixed(2)} s`);
      }
    }
    await proxy.stop();

    const accounts = members + 1;
    const sample = results.defaults[0].stats;
    const listPages = (sample.calls.ListAccounts ?? 0) / tenants;
    // The critical path of one tenant: Scan, AssumeRole, DescribeOrganization, every ListAccounts
    // page, then its PutObject and the manifest's; the tag calls can go no faster than the bucket.
    const setupCalls = 1 + 1 + 1 + listPages + 1 + 1;
    const bucketMs = (Math.max(0, accounts - TAGS_BURST) / TAGS_TPS) * 1000;
    const boundMs = setupCalls * LATENCY_MS + bucketMs;
    // Since tags start with the first ListAccounts page, only that page is on the path: a tighter bound.
    const pipelinedCalls = setupCalls - listPages + 1;
    const pipelinedBoundMs = pipelinedCalls * LATENCY_MS + bucketMs;
    const wall = (shape: keyof typeof shapes) => median(results[shape].map((r) => r.run.wallMs));
    const throttleShare = (shape: keyof typeof shapes) => {
      const s = results[shape].map((r) => r.stats);
      return sum(Object.assign({}, ...s.map((x) => x.throttled))) === 0
        ? 0
        : s.reduce((t, x) => t + sum(x.throttled), 0) / s.reduce((t, x) => t + sum(x.calls, ORGANIZATIONS_OPERATIONS), 0);
    };
    const rows: [string, string][] = [
      [
        'setup',
        `${tenants} tenants x ${accounts} accounts; ${LATENCY_MS} ms per call; ListTagsForResource ${TAGS_TPS} TPS (burst ${TAGS_BURST}) per account; ${runs} run(s) each, medians`,
      ],
      ['baseline wall (concurrency 1)', `${(wall('baseline') / 1000).toFixed(2)} s`],
      ['defaults wall', `${(wall('defaults') / 1000).toFixed(2)} s`],
      [
        'rate-limit lower bound',
        `${(boundMs / 1000).toFixed(2)} s  (${setupCalls} sequential calls x ${LATENCY_MS} ms + (${accounts} - ${TAGS_BURST}) / ${TAGS_TPS} TPS)`,
      ],
      ['defaults / bound', `${(wall('defaults') / boundMs).toFixed(2)}  (target <= 1.15)`],
      [
        'pipelined lower bound',
        `${(pipelinedBoundMs / 1000).toFixed(2)} s  (${pipelinedCalls} sequential calls: only the first ListAccounts page precedes the tag calls)`,
      ],
      ['defaults / pipelined bound', (wall('defaults') / pipelinedBoundMs).toFixed(2)],
      ['baseline / defaults', `${(wall('baseline') / wall('defaults')).toFixed(2)}  (target >= 6)`],
      ['throttled answers (defaults)', `${(throttleShare('defaults') * 100).toFixed(2)} % of Organizations calls  (target <= 5 %)`],
      ['throttled answers (baseline)', `${(throttleShare('baseline') * 100).toFixed(2)} %`],
      [
        'max Organizations calls in flight per account (defaults)',
        String(Math.max(...results.defaults.map((r) => r.stats.maxInFlightPerAccount))),
      ],
      ['peak RSS of the CLI (defaults)', `${Math.max(...results.defaults.map((r) => r.run.peakRssMb)).toFixed(1)} MB`],
      ['csv-only wall (--formats csv --no-changes --no-html-report)', `${(wall('csvOnly') / 1000).toFixed(2)} s`],
      ['defaults / csv-only wall', `${(wall('defaults') / wall('csvOnly')).toFixed(3)}  (target <= 1.15)`],
      ['peak RSS of the CLI (csv-only)', `${Math.max(...results.csvOnly.map((r) => r.run.peakRssMb)).toFixed(1)} MB`],
    ];
    printTable('Fleet benchmark', rows);
  } finally {
    await moto.stop();
  }
}

async function bigBench(): Promise<void> {
  const moto = await startMotoServer();
  try {
    const accounts = 10_000;
    const tenantId = '600000000001';
    // moto's CreateAccount slows down as an organization grows (10,000 would take tens of
    // minutes), so the proxy answers this organization's reads itself; STS, DynamoDB and S3
    // are still moto, and the CLI is the real one.
    const proxy = await startFaultProxy({ target: moto.endpoint, syntheticOrganizations: { [tenantId]: { accounts } } });
    await seedTenantTable(moto.endpoint, 'big-tenants', [tenantItem(tenantId)]);
    await createBucket(moto.endpoint, 'big-reports');
    const env = emulatorEnvironment(proxy.endpoint);
    const big = (prefix: string, extra: string[] = []) =>
      runCli(
        [
          'collect',
          '--table',
          'big-tenants',
          '--role-name',
          'Reader',
          '--bucket',
          'big-reports',
          '--json',
          '--quiet',
          '--org-rps',
          '1000',
          '--account-concurrency',
          '16',
          '--save-local',
          '--out-dir',
          join(tmpdir(), `orgmeta-bench-${process.pid}`),
          '--prefix',
          prefix,
          ...extra,
        ],
        env,
      );
    // csv-only, then the defaults twice: the second run reads the first one's Parquet and diffs 10,000 accounts.
    const csvOnly = await big('big-csv-only', CSV_ONLY);
    const first = await big('big-inventory');
    const second = await big('big-inventory');
    await proxy.stop();
    for (const run of [csvOnly, first, second]) if (run.exitCode !== 0) throw new Error('big run failed');
    const collected = JSON.parse(second.stdout).totals.accounts as number;
    printTable('Big-tenant benchmark', [
      [
        'setup',
        `1 tenant x ${collected} accounts (synthetic organization behind the proxy, no added latency), --org-rps 1000 --account-concurrency 16, S3 + local copy`,
      ],
      [
        'csv-only wall (--formats csv --no-changes --no-html-report)',
        `${(csvOnly.wallMs / 1000).toFixed(2)} s, peak RSS ${csvOnly.peakRssMb.toFixed(1)} MB`,
      ],
      ['defaults, first run (Parquet, no baseline)', `${(first.wallMs / 1000).toFixed(2)} s, peak RSS ${first.peakRssMb.toFixed(1)} MB`],
      [
        'defaults, second run (Parquet + changes vs the first)',
        `${(second.wallMs / 1000).toFixed(2)} s, peak RSS ${second.peakRssMb.toFixed(1)} MB`,
      ],
      ['second / csv-only wall', `${(second.wallMs / csvOnly.wallMs).toFixed(3)}  (target <= 1.15)`],
      ['rows/s (second run)', (collected / (second.wallMs / 1000)).toFixed(0)],
      ['peak RSS of the CLI', `${Math.max(csvOnly.peakRssMb, first.peakRssMb, second.peakRssMb).toFixed(1)} MB  (target <= 150 MB)`],
    ]);
  } finally {
    await moto.stop();
  }
}

/** Each account-detail flag's own operations, for calls per account. */
const DETAIL_FLAGS: readonly {
  readonly label: string;
  readonly args: readonly string[];
  readonly paths: boolean;
  readonly operations: readonly string[];
}[] = [
  { label: 'tags only (no detail flag)', args: [], paths: false, operations: ['ListAccounts', 'ListTagsForResource'] },
  {
    label: '--ou-path, ListAccounts with Paths',
    args: ['--ou-path'],
    paths: true,
    operations: ['ListRoots', 'DescribeOrganizationalUnit', 'ListOrganizationalUnitsForParent', 'ListAccountsForParent'],
  },
  {
    label: '--ou-path, no Paths (OU tree walk)',
    args: ['--ou-path'],
    paths: false,
    operations: ['ListRoots', 'DescribeOrganizationalUnit', 'ListOrganizationalUnitsForParent', 'ListAccountsForParent'],
  },
  {
    label: '--delegated-admins',
    args: ['--delegated-admins'],
    paths: false,
    operations: ['ListDelegatedAdministrators', 'ListDelegatedServicesForAccount'],
  },
  { label: '--contacts', args: ['--contacts'], paths: false, operations: ['GetAlternateContact'] },
  { label: '--regions', args: ['--regions'], paths: false, operations: ['ListRegions'] },
];

/**
 * `--details`: 1 tenant x 1,000 accounts (a synthetic organization: 10 OUs, 2 delegated
 * administrators, contacts on every other account), one run per account-detail flag at the
 * defaults (Organizations 20/s; Account Management at its documented 10/s and 5/s), no added
 * latency: the wall time and the flag's own calls per account.
 */
async function detailsBench(): Promise<void> {
  const moto = await startMotoServer();
  try {
    const accounts = 1000;
    const withPaths = '610000000001';
    const withoutPaths = '610000000002';
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      syntheticOrganizations: { [withPaths]: { accounts, paths: true }, [withoutPaths]: { accounts } },
    });
    await seedTenantTable(moto.endpoint, 'details-tenants', [tenantItem(withPaths), tenantItem(withoutPaths)]);
    await createBucket(moto.endpoint, 'details-reports');
    const env = emulatorEnvironment(proxy.endpoint);
    const rows: [string, string][] = [
      ['setup', `1 tenant x ${accounts} accounts (synthetic organization behind the proxy, no added latency), defaults, S3`],
    ];
    for (const flag of DETAIL_FLAGS) {
      proxy.resetStats();
      const tenant = flag.paths ? withPaths : withoutPaths;
      const run = await runCli(
        ['collect', '--table', 'details-tenants', '--role-name', 'Reader', '--bucket', 'details-reports', '--json', '--quiet']
          .concat(['--tenant', tenant, '--prefix', `details-${flag.label.replace(/\W+/g, '-')}/`, '--formats', 'csv', '--no-changes'])
          .concat(flag.args),
        env,
      );
      if (run.exitCode !== 0) throw new Error(`details run ${flag.label} failed`);
      const calls = sum(proxy.stats().calls, [...flag.operations]);
      rows.push([
        flag.label,
        `${(run.wallMs / 1000).toFixed(1)} s, ${(calls / accounts).toFixed(3)} calls per account (${calls} ${flag.operations.join('/')})`,
      ]);
    }
    await proxy.stop();
    printTable('Account details benchmark (per flag)', rows);
  } finally {
    await moto.stop();
  }
}

/** Part 1's objects only: what the fleet inventory is measured against. */
const CSV_ONLY = ['--formats', 'csv', '--no-changes', '--no-html-report'];

/**
 * The fan-out flow's runner lives beside the handler tests in apps/cdk (it calls the Lambda handlers
 * and reuses the tests' Distributed Map stand-in, neither of which is compiled into a package tools
 * could import), so it runs there, with ts-node, in its own process.
 */
function fanoutFlowBench(): Promise<void> {
  // tools/lib/bench.js → the workspace's apps/cdk.
  const cdkDir = join(__dirname, '..', '..', 'apps', 'cdk');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/support/fleet-flow-bench.ts'], {
      cwd: cdkDir,
      env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json' },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the fan-out flow benchmark exited ${code}`))));
  });
}

function printTable(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 2;
  if (args.includes('--big')) await bigBench();
  else if (args.includes('--details')) await detailsBench();
  else if (args.includes('--fleet')) await fanoutFlowBench();
  else await fleetBench(runs);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
