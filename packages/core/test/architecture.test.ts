import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** A would-be source file: where it would live in the repository, and what it says. */
interface Probe {
  readonly file: string;
  readonly source: string;
}

interface LintOutcome {
  readonly errorCount: number;
  /** `rule-id: message` of every problem found. */
  readonly messages: readonly string[];
}

/**
 * Lints every probe through the repository's own ESLint config, in one ESLint process (loading
 * the config once), without writing a file into the tree.
 */
function lintProbes(probes: readonly Probe[]): LintOutcome[] {
  const script = `
    const { ESLint } = require(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'eslint'))});
    const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: ${JSON.stringify(REPO_ROOT)} });
      const outcomes = [];
      for (const probe of probes) {
        const [result] = await eslint.lintText(probe.source, { filePath: ${JSON.stringify(REPO_ROOT)} + '/' + probe.file });
        outcomes.push({ errorCount: result.errorCount, messages: result.messages.map((m) => m.ruleId + ': ' + m.message) });
      }
      process.stdout.write(JSON.stringify(outcomes));
    })().catch((error) => {
      process.stderr.write(String(error && error.stack));
      process.exit(2);
    });
  `;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, input: JSON.stringify(probes), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ESLint could not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as LintOutcome[];
}

const CORE = 'packages/core/src/probe.ts';
const CSV = 'packages/csv/src/probe.ts';
const ADAPTERS = 'packages/aws-adapters/src/probe.ts';
const PARQUET = 'packages/parquet/src/probe.ts';
const HTML_REPORT = 'packages/html-report/src/probe.tsx';

/** Each rule with a snippet that breaks it, and the message that must say so. */
const VIOLATIONS: readonly (Probe & { readonly rule: string; readonly says: string })[] = [
  // core imports nothing from the apps, test support, the other packages or any AWS/CDK package
  {
    rule: 'core must not import the AWS SDK',
    file: CORE,
    source: "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import @smithy',
    file: CORE,
    source: "import type { Client } from '@smithy/types';\nexport type C = Client<never, never, never>;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import the CDK',
    file: CORE,
    source: "import { Stack } from 'aws-cdk-lib';\nexport const s = Stack;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import an adapter package',
    file: CORE,
    source: "import { S3ReportSink } from '@orgmeta/aws-adapters';\nexport const s = S3ReportSink;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import the CSV package',
    file: CORE,
    source: "import { renderAccountsCsv } from '@orgmeta/csv';\nexport const r = renderAccountsCsv;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import the CLI app',
    file: CORE,
    source: "import { runCli } from '@orgmeta/cli';\nexport const r = runCli;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import the CDK app',
    file: CORE,
    source: "import { handler } from '@orgmeta/cdk';\nexport const h = handler;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import test support',
    file: CORE,
    source: "import { startFaultProxy } from '@orgmeta/test-support';\nexport const f = startFaultProxy;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not reach into an app by a relative path',
    file: CORE,
    source: "import { StderrLogger } from '../../../apps/cli/src/logger';\nexport const l = StderrLogger;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not import other libraries',
    file: CORE,
    source: "import yargs from 'yargs';\nexport const y = yargs;\n",
    says: 'packages/core stays pure',
  },
  // core never reads process.env (nor touches the process), however it is spelled
  {
    rule: 'core must not read process.env',
    file: CORE,
    source: 'export const table = process.env.TENANTS_TABLE_NAME;\n',
    says: 'never reads process.env',
  },
  {
    rule: 'core must not destructure env from process',
    file: CORE,
    source: 'const { env } = process;\nexport const table = env.TENANTS_TABLE_NAME;\n',
    says: 'never reads process.env',
  },
  {
    rule: 'core must not read process.env through globalThis',
    file: CORE,
    source: 'export const table = globalThis.process.env.TENANTS_TABLE_NAME;\n',
    says: 'never reads process.env',
  },
  {
    rule: 'core must not import node:process',
    file: CORE,
    source: "import { env } from 'node:process';\nexport const table = env.TENANTS_TABLE_NAME;\n",
    says: 'packages/core stays pure',
  },
  {
    rule: 'core must not write to stdout',
    file: CORE,
    source: "export function say(): void {\n  process.stdout.write('hi');\n}\n",
    says: 'never reads process.env or writes to stdout/stderr',
  },
  // csv imports only core (plus its CSV library)
  {
    rule: 'csv must not import the AWS SDK',
    file: CSV,
    source: "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n",
    says: 'packages/csv turns rows into CSV',
  },
  {
    rule: 'csv must not import the adapters',
    file: CSV,
    source: "import { S3ReportSink } from '@orgmeta/aws-adapters';\nexport const s = S3ReportSink;\n",
    says: 'packages/csv turns rows into CSV',
  },
  {
    rule: 'csv must not import an app',
    file: CSV,
    source: "import { runCli } from '@orgmeta/cli';\nexport const r = runCli;\n",
    says: 'packages/csv turns rows into CSV',
  },
  {
    rule: 'csv must not import test support',
    file: CSV,
    source: "import { motoEndpoint } from '@orgmeta/test-support';\nexport const m = motoEndpoint;\n",
    says: 'packages/csv turns rows into CSV',
  },
  {
    rule: 'csv must not import other libraries',
    file: CSV,
    source: "import { format } from 'date-fns';\nexport const f = format;\n",
    says: 'packages/csv turns rows into CSV',
  },
  // the format packages import only core and their own rendering libraries
  {
    rule: 'parquet must not import the AWS SDK',
    file: PARQUET,
    source: "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n",
    says: 'packages/parquet turns snapshots into Parquet',
  },
  {
    rule: 'html-report must not import another format',
    file: HTML_REPORT,
    source: "import { stringifyCsv } from '@orgmeta/csv';\nexport const s = stringifyCsv;\n",
    says: 'packages/html-report renders the run report view model',
  },
  // adapters never import the apps, csv or test support
  {
    rule: 'adapters must not import the CLI app',
    file: ADAPTERS,
    source: "import { runCli } from '@orgmeta/cli';\nexport const r = runCli;\n",
    says: 'packages/aws-adapters implements',
  },
  {
    rule: 'adapters must not import the CDK app',
    file: ADAPTERS,
    source: "import { handler } from '@orgmeta/cdk';\nexport const h = handler;\n",
    says: 'packages/aws-adapters implements',
  },
  {
    rule: 'adapters must not import test support',
    file: ADAPTERS,
    source: "import { motoEndpoint } from '@orgmeta/test-support';\nexport const m = motoEndpoint;\n",
    says: 'packages/aws-adapters implements',
  },
  {
    rule: 'adapters must not import the CSV package',
    file: ADAPTERS,
    source: "import { renderAccountsCsv } from '@orgmeta/csv';\nexport const r = renderAccountsCsv;\n",
    says: 'packages/aws-adapters implements',
  },
  // the apps ship no test support
  {
    rule: 'the CLI must not ship test support',
    file: 'apps/cli/src/probe.ts',
    source: "import { motoEndpoint } from '@orgmeta/test-support';\nexport const m = motoEndpoint;\n",
    says: 'apps/cli ships core, csv and aws-adapters only',
  },
  {
    rule: 'the Lambda must not ship test support',
    file: 'apps/cdk/src/probe.ts',
    source: "import { motoEndpoint } from '@orgmeta/test-support';\nexport const m = motoEndpoint;\n",
    says: 'apps/cdk ships core, csv and aws-adapters only',
  },
];

/** Code each package may write: the rules must not fire on it. */
const ALLOWED: readonly (Probe & { readonly what: string })[] = [
  {
    what: 'core with Node.js built-ins, p-limit, p-map and its own files',
    file: CORE,
    source:
      "import { createHash } from 'node:crypto';\nimport pLimit from 'p-limit';\nimport pMap from 'p-map';\nimport { displaySafe } from './redaction';\nexport const used = [createHash, pLimit, pMap, displaySafe];\n",
  },
  {
    what: 'csv with core and csv-stringify',
    file: CSV,
    source:
      "import type { TenantReport } from '@orgmeta/core';\nimport { stringify } from 'csv-stringify/sync';\nexport const render = (r: TenantReport) => stringify([[r.tenant.tenantId]]);\n",
  },
  {
    what: 'adapters with core, the AWS SDK, smithy and Node.js built-ins',
    file: ADAPTERS,
    source:
      "import { S3Client } from '@aws-sdk/client-s3';\nimport type { Client } from '@smithy/types';\nimport { errorCode } from '@orgmeta/core';\nimport { join } from 'node:path';\nexport const used = [S3Client, errorCode, join];\nexport type C = Client<never, never, never>;\n",
  },
];

describe('dependency rules (each proven to fire through the repository lint)', () => {
  let violations: LintOutcome[];
  let allowed: LintOutcome[];

  beforeAll(() => {
    const outcomes = lintProbes([...VIOLATIONS, ...ALLOWED]);
    violations = outcomes.slice(0, VIOLATIONS.length);
    allowed = outcomes.slice(VIOLATIONS.length);
  }, 60_000);

  it.each(VIOLATIONS.map((v, i) => [v.rule, i] as const))('%s', (_, index) => {
    const outcome = violations[index];
    expect(outcome.errorCount).toBeGreaterThan(0);
    expect(outcome.messages.join('\n')).toContain(VIOLATIONS[index].says);
  });

  it.each(ALLOWED.map((a, i) => [a.what, i] as const))('accepts %s', (_, index) => {
    expect(allowed[index]).toEqual({ errorCount: 0, messages: [] });
  });
});
