import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  RunLockError,
  RunLockHeldError,
  TenantSourceError,
  collectRun,
  manifestKey,
  readRunManifest,
  type CollectConfig,
  type ObjectReader,
  type RunManifestFound,
  type RunOutcome,
} from '@orgmeta/core';
import { awsPipelineDependencies, createAwsAdapters } from '@orgmeta/aws-adapters';
import { accountsCsvRenderer } from '@orgmeta/csv';
import { withBucketOwner } from '../bucket-owner';
import type { CommandContext, CommandDefinition } from '../command';
import { EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_TENANT_FAILED, EXIT_USAGE } from '../exit-codes';
import { ALL_FLAGS } from '../flags';
import { LocalObjectReader } from '../local-object-reader';
import { LocalFileReportSink } from '../local-report-sink';
import { LocalFileRunLockStore } from '../local-run-lock-store';
import { cliOutputs } from '../outputs';
import { ProgressDisplay } from '../progress';
import { formatSummary } from '../summary-table';

export const collectCommand: CommandDefinition = {
  name: 'collect',
  description: 'Collect every selected tenant and write one CSV report per tenant',
  flags: ALL_FLAGS,
  options: {
    'retry-failed': {
      type: 'string',
      describe:
        'Collect only the tenants that failed in this run (its ID, from the summary), read from its manifest in S3 or the output folder',
    },
  },
  examples: [
    {
      command: '$0 collect --table tenants --role-name OrgMetaReader --bucket my-reports',
      description: 'Collect every active tenant to S3',
    },
    { command: '$0 collect --no-upload --tenant 111122223333', description: 'One tenant, local copy only (./reports)' },
    {
      command: '$0 collect --tag-keys CostCenter,Owner --ou-path --json > summary.json',
      description: 'Fixed tag columns, OU paths, JSON summary',
    },
    {
      command: '$0 collect --bucket my-reports --retry-failed 20240501T020000Z-a1b2c3',
      description: 'Collect again only the tenants that failed in that run',
    },
  ],
  requirements: { roleName: true, bucket: true },
  writesTo: (config) => {
    const manifest = manifestKey(config.prefix, new Date(), '<run-id>');
    const places = [
      config.upload && config.bucketName ? `s3://${config.bucketName}/${manifest}` : undefined,
      config.saveLocal ? join(resolve(config.localOutputDir), manifest) : undefined,
    ].filter((place): place is string => place !== undefined);
    return `Reports may have been written before it stopped, and no run manifest lists them; this run's manifest would be ${places.join(' and ')}.`;
  },
  run: runCollect,
};

/**
 * `--retry-failed <runId>`: the configuration narrowed to the tenants that failed in that run, read
 * from its manifest where `orgmeta changes` finds runs (S3 when uploading, else the output folder).
 * An exit code (1, said on stderr) when the run has no manifest there or had no failed tenant.
 */
async function retryFailedTenants(context: CommandContext): Promise<CollectConfig | number> {
  const { argv, config, region, logger } = context;
  const runId = argv['retry-failed'];
  if (runId === undefined) return config;
  if (typeof runId !== 'string' || runId === '') {
    process.stderr.write('orgmeta: --retry-failed needs a run ID (e.g. --retry-failed 20240501T020000Z-a1b2c3).\n');
    return EXIT_USAGE;
  }
  if (config.tenantIds.length > 0) {
    process.stderr.write("orgmeta: --retry-failed and --tenant cannot be combined; the run's manifest decides the tenants.\n");
    return EXIT_USAGE;
  }
  const store: ObjectReader = (config.upload && createAwsAdapters(config, region).s3Reader) || new LocalObjectReader(config.localOutputDir);
  const where = config.upload && config.bucketName ? `s3://${config.bucketName}/` : `${config.localOutputDir}/`;
  let found: RunManifestFound;
  try {
    found = await readRunManifest(store, config.prefix, runId);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    process.stderr.write(
      `orgmeta: --retry-failed: ${error.message} (looked in ${where}); check the run ID and --prefix, or --no-upload --out-dir for a local run.\n`,
    );
    return EXIT_USAGE;
  }
  const failed = found.summary.tenants.filter((tenant) => tenant.status === 'failed').map((tenant) => tenant.tenantId);
  if (failed.length === 0) {
    process.stderr.write(`orgmeta: --retry-failed: run ${runId} had no failed tenant (${where}${found.key}); nothing to retry.\n`);
    return EXIT_USAGE;
  }
  logger.info(`Retrying the ${failed.length} tenant(s) that failed in run ${runId}: ${failed.join(', ')}`, { retriedRunId: runId });
  return { ...config, tenantIds: failed };
}

/** `orgmeta collect`: the main job. */
export async function runCollect(context: CommandContext): Promise<number> {
  const { argv, region, logger } = context;
  const retried = await retryFailedTenants(context);
  if (typeof retried === 'number') return retried;
  const config = await withBucketOwner(retried, createAwsAdapters(retried, region).identity);
  const showProgress = Boolean(process.stderr.isTTY) && !argv.quiet && (argv['log-format'] ?? 'text') === 'text';
  let progress: ProgressDisplay | undefined;

  // Ctrl-C / SIGTERM: stop starting tenants, abandon reads, abort writes, then still write
  // the summary and manifest of what finished. A second signal leaves at once.
  const abort = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) process.exit(EXIT_INTERRUPTED[signal] ?? EXIT_TENANT_FAILED);
    interruptedBy = signal;
    logger.warn(`Received ${signal}: stopping; tenants in flight are abandoned and the summary of what finished follows.`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let outcome: RunOutcome;
  try {
    const deps = awsPipelineDependencies({
      config,
      region,
      surface: 'cli',
      secrets: context.secrets,
      logger,
      render: accountsCsvRenderer({ escapeFormulas: config.escapeFormulas }),
      outputs: cliOutputs(config),
      sinks: config.saveLocal ? [new LocalFileReportSink(config.localOutputDir)] : [],
      onThrottle: () => progress?.throttled(),
      // One run at a time per prefix: in the bucket, or (--no-upload) in the output directory.
      lockHolder: `cli ${hostname()} pid ${process.pid}`,
      localLockStore: new LocalFileRunLockStore(config.localOutputDir),
    });
    outcome = await collectRun(config, {
      ...deps,
      signal: abort.signal,
      onTenantsSelected: (count) => {
        if (!showProgress) return;
        progress = new ProgressDisplay(count);
        context.setLogSink((line) => progress?.log(line));
      },
      onTenantFinished: (result) => progress?.tenantFinished(result),
    });
  } catch (error) {
    // Nothing was written in either case: the table could not be read, or the run lock could not be taken.
    if (error instanceof TenantSourceError || error instanceof RunLockError) {
      logger.error(error.message, { code: error.code, hint: error.hint });
      return EXIT_USAGE;
    }
    if (error instanceof RunLockHeldError) {
      logger.error(error.message, { code: error.code, hint: error.hint });
      return EXIT_LOCKED;
    }
    throw error;
  } finally {
    progress?.stop();
    context.setLogSink(undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const { summary, manifest, report } = outcome;
  if (argv.json) {
    context.printJson(summary);
  } else if (!argv.quiet) {
    const manifestWhere = manifest.s3Key ? `s3://${config.bucketName}/${manifest.s3Key}` : manifest.localPath;
    const reportWhere = report?.localPath
      ? pathToFileURL(report.localPath).href
      : report?.s3Key && `s3://${config.bucketName}/${report.s3Key}`;
    context.print(formatSummary(summary, { bucketName: config.bucketName, manifest: manifestWhere, report: reportWhere }, context.display));
  }
  if (interruptedBy) return EXIT_INTERRUPTED[interruptedBy] ?? EXIT_TENANT_FAILED;
  return summary.totals.failed > 0 || manifest.error ? EXIT_TENANT_FAILED : EXIT_OK;
}
