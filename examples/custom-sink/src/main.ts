/**
 * Collects one tenant with orgmeta's AWS adapters into an in-memory ReportSink and prints what it
 * wrote, as JSON. Configuration comes from the same environment variables as the orgmeta Lambda:
 *
 *   TENANTS_TABLE_NAME=tenants CROSS_ACCOUNT_ROLE_NAME=OrgMetaReader AWS_REGION=us-east-1 \
 *     node lib/main.js 111122223333
 */
import { createAwsAdapters, resolveAwsRegion } from '@orgmeta/aws-adapters';
import {
  ConfigError,
  collectTenant,
  planRun,
  resolveCollectConfig,
  startRun,
  type Logger,
  type PipelineDependencies,
  type TenantResult,
} from '@orgmeta/core';
import { accountsCsvRenderer, csvOutputs } from '@orgmeta/csv';
import { parquetSnapshotFormat, readAccountsParquet } from '@orgmeta/parquet';
import { InMemoryReportSink } from './in-memory-sink';

/** Log lines go to stderr, so that stdout holds only the JSON result. */
const stderrLogger: Logger = {
  debug: () => undefined,
  info: (message, fields) => console.error('INFO', message, fields ?? ''),
  warn: (message, fields) => console.error('WARN', message, fields ?? ''),
  error: (message, fields) => console.error('ERROR', message, fields ?? ''),
};

/** One account as the example prints it: a few of the report's columns and every tag. */
interface AccountRow {
  readonly accountId: string;
  readonly name: string;
  readonly email: string;
  readonly state: string;
  readonly tags: Record<string, string>;
}

/** What the example prints. */
interface Output {
  readonly result: TenantResult;
  readonly objects: { readonly key: string; readonly contentType: string; readonly bytes: number }[];
  readonly csvHeader: string;
  readonly accounts: AccountRow[];
}

async function main(tenantId: string | undefined): Promise<Output> {
  if (!tenantId) throw new ConfigError('Usage: node lib/main.js <tenant-id> (the 12-digit management account ID of one tenant).');
  // The settings table validates the configuration exactly as the CLI and the Lambda do; nothing goes to S3 here.
  const config = resolveCollectConfig(
    { flags: { upload: false, tenant: [tenantId] }, env: process.env },
    { roleName: true, bucket: false },
  );
  const region = await resolveAwsRegion();
  const aws = createAwsAdapters(config, region);
  const sink = new InMemoryReportSink();
  const deps: PipelineDependencies = {
    tenantSource: aws.tenantSource,
    organizations: aws.organizations,
    render: accountsCsvRenderer({ escapeFormulas: config.escapeFormulas }),
    // accounts.csv, plus accounts.parquet when OUTPUT_FORMATS includes parquet (the default).
    outputs: { csv: csvOutputs({ escapeFormulas: config.escapeFormulas }), formats: [parquetSnapshotFormat] },
    sinks: [sink],
    logger: stderrLogger,
    region,
    // Error hints name settings by their environment variables.
    surface: 'lambda',
  };

  const plan = await planRun(config, deps);
  const [tenant] = plan.tenants;
  if (!tenant) throw new ConfigError(`Tenant ${tenantId} is not selected in ${config.tableName} (check its status and service).`);
  const result = await collectTenant(tenant, config, deps, startRun());

  const objects = [...sink.objects.values()];
  const csv = objects.find((o) => o.key.endsWith('/accounts.csv'));
  const parquet = objects.find((o) => o.key.endsWith('/accounts.parquet'));
  const snapshot = parquet && typeof parquet.body !== 'string' ? await readAccountsParquet(parquet.body) : undefined;
  return {
    result,
    objects: objects.map((o) => ({ key: o.key, contentType: o.contentType, bytes: Buffer.byteLength(o.body) })),
    csvHeader: typeof csv?.body === 'string' ? (csv.body.split('\n')[0] ?? '') : '',
    accounts: (snapshot?.accounts ?? []).map((account) => ({
      accountId: account.fields.account_id,
      name: account.fields.account_name,
      email: account.fields.account_email,
      state: account.fields.account_state,
      tags: Object.fromEntries(account.tags),
    })),
  };
}

main(process.argv[2]).then(
  (output) => {
    console.log(JSON.stringify(output, null, 2));
    process.exitCode = output.result.status === 'succeeded' ? 0 : 2;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exitCode = 1;
  },
);
