import { pathToFileURL } from 'node:url';
import { SecretMasker, TenantSourceError, collectRun, type RunOutcome } from '@orgmeta/core';
import type { CommandContext } from '../cli';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_TENANT_FAILED, EXIT_USAGE } from '../exit-codes';
import { ProgressDisplay } from '../progress';
import { formatSummary } from '../summary-table';
import { awsPipelineDependencies } from '@orgmeta/aws-adapters';
import { accountsCsvRenderer } from '@orgmeta/csv';
import { LocalFileReportSink } from '../local-report-sink';
import { cliOutputs } from '../outputs';

/** `orgmeta collect`: the main job. */
export async function runCollect(context: CommandContext): Promise<number> {
  const { argv, config, region, logger } = context;
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
      secrets: new SecretMasker([config.externalId]),
      logger,
      render: accountsCsvRenderer({ escapeFormulas: config.escapeFormulas }),
      outputs: cliOutputs(config),
      sinks: config.saveLocal ? [new LocalFileReportSink(config.localOutputDir)] : [],
      onThrottle: () => progress?.throttled(),
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
    if (error instanceof TenantSourceError) {
      logger.error(error.message, { code: error.code, hint: error.hint });
      return EXIT_USAGE;
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
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (!argv.quiet) {
    const manifestWhere = manifest.s3Key ? `s3://${config.bucketName}/${manifest.s3Key}` : manifest.localPath;
    const reportWhere = report?.localPath
      ? pathToFileURL(report.localPath).href
      : report?.s3Key && `s3://${config.bucketName}/${report.s3Key}`;
    process.stdout.write(`${formatSummary(summary, { bucketName: config.bucketName, manifest: manifestWhere, report: reportWhere })}\n`);
  }
  if (interruptedBy) return EXIT_INTERRUPTED[interruptedBy] ?? EXIT_TENANT_FAILED;
  return summary.totals.failed > 0 || manifest.error ? EXIT_TENANT_FAILED : EXIT_OK;
}
