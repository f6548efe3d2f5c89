import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunLockError, RunLockHeldError, TenantSourceError, collectRun, manifestKey, type RunOutcome } from '@orgmeta/core';
import { awsPipelineDependencies, createAwsAdapters } from '@orgmeta/aws-adapters';
import { accountsCsvRenderer } from '@orgmeta/csv';
import { withBucketOwner } from '../bucket-owner';
import type { CommandContext, CommandDefinition } from '../command';
import { EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_TENANT_FAILED, EXIT_USAGE } from '../exit-codes';
import { ALL_FLAGS } from '../flags';
import { LocalFileReportSink } from '../local-report-sink';
import { LocalFileRunLockStore } from '../local-run-lock-store';
import { cliOutputs } from '../outputs';
import { ProgressDisplay } from '../progress';
import { formatSummary } from '../summary-table';

export const collectCommand: CommandDefinition = {
  name: 'collect',
  description: 'Collect every selected tenant and write one CSV report per tenant',
  flags: ALL_FLAGS,
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

/** `orgmeta collect`: the main job. */
export async function runCollect(context: CommandContext): Promise<number> {
  const { argv, region, logger } = context;
  const config = await withBucketOwner(context.config, createAwsAdapters(context.config, region).identity);
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
