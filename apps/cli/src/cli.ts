import { COLLECT_SETTINGS, ConfigError, TenantSourceError, collectRun, resolveCollectConfig, type CollectConfig, type RunOutcome } from '@orgmeta/core';
import yargs, { type Argv, type Options } from 'yargs';
import { loadEnvironment, secretValues } from './environment';
import { StderrLogger, type LogFormat, type LogLevel } from './logger';
import { formatSummary } from './summary-table';
import { resolveAwsRegion } from '@orgmeta/aws-adapters';
import { awsPipelineDependencies } from './wiring';

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_TENANT_FAILED = 2;
/** Shell convention: 128 + signal number. */
export const EXIT_INTERRUPTED: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

interface GlobalOptions {
  readonly json?: boolean;
  readonly 'log-format'?: LogFormat;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
}

/** yargs options generated from core's settings table, so flags, env vars and defaults have one home. */
function collectOptions(): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const setting of COLLECT_SETTINGS) {
    const extras = [setting.envVar ? `env ${setting.envVar}` : '', setting.defaultValue ? `default ${setting.defaultValue}` : ''].filter(Boolean).join('; ');
    options[setting.flag] = {
      // Numbers stay strings here so core can name a bad value instead of yargs turning it into NaN.
      type: setting.kind === 'boolean' ? 'boolean' : setting.kind === 'array' ? 'array' : 'string',
      ...(setting.kind === 'array' ? { string: true } : {}),
      describe: extras ? `${setting.description} [${extras}]` : setting.description,
      group: 'Collection:',
    };
  }
  return options;
}

/** A repeated single-value flag means its last value, as in most CLIs (yargs would make it an array). */
function lastValueOfRepeatedFlags(argv: Record<string, unknown>): Record<string, unknown> {
  const flags = { ...argv };
  for (const setting of COLLECT_SETTINGS) {
    const value = flags[setting.flag];
    if (setting.kind !== 'array' && Array.isArray(value)) flags[setting.flag] = value[value.length - 1];
  }
  return flags;
}

function loggerFor(argv: GlobalOptions, env: NodeJS.ProcessEnv, extraSecrets: readonly (string | undefined)[] = []): StderrLogger {
  const level: LogLevel = argv.verbose ? 'debug' : argv.quiet ? 'warn' : 'info';
  return new StderrLogger({
    format: argv['log-format'] ?? 'text',
    level,
    secrets: [...secretValues(env), ...extraSecrets.filter((s): s is string => Boolean(s))],
  });
}

/** Routes Node.js runtime warnings (e.g. the SDK's Node version notice) through our logger, one line each. */
function routeProcessWarnings(logger: StderrLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(warning.message.split('\n')[0].trim(), { warning: warning.name }));
}

async function runCollect(argv: Record<string, unknown> & GlobalOptions): Promise<number> {
  const env = loadEnvironment();
  const bootLogger = loggerFor(argv, env);
  routeProcessWarnings(bootLogger);
  let config: CollectConfig;
  let region: string;
  try {
    config = resolveCollectConfig({ flags: lastValueOfRepeatedFlags(argv), env });
    region = await resolveAwsRegion();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`orgmeta: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const logger = loggerFor(argv, env, [config.externalId]);
  routeProcessWarnings(logger);
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
    outcome = await collectRun(config, { ...awsPipelineDependencies(config, region, logger), signal: abort.signal });
  } catch (error) {
    if (error instanceof TenantSourceError) {
      logger.error(error.message);
      return EXIT_USAGE;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const { summary, manifest } = outcome;
  if (argv.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (!argv.quiet) {
    const manifestWhere = manifest.s3Key ? `s3://${config.bucketName}/${manifest.s3Key}` : manifest.localPath;
    process.stdout.write(`${formatSummary(summary, { bucketName: config.bucketName, manifest: manifestWhere })}\n`);
  }
  if (interruptedBy) return EXIT_INTERRUPTED[interruptedBy] ?? EXIT_TENANT_FAILED;
  return summary.totals.failed > 0 || manifest.error ? EXIT_TENANT_FAILED : EXIT_OK;
}

/** Builds the `orgmeta` command line; `run` returns the process exit code. */
export function buildCli(args: readonly string[]): Argv {
  return yargs([...args])
    .scriptName('orgmeta')
    // Keys stay as the flags are spelled: core looks them up by flag name.
    .parserConfiguration({ 'camel-case-expansion': false })
    .usage('$0 <command> [options]\n\nCollects the accounts of every tenant AWS Organization into CSV reports.')
    .option('json', { type: 'boolean', describe: 'Print the run summary as JSON on stdout' })
    .option('log-format', { choices: ['text', 'json'] as const, describe: 'Log line format on stderr [default text]' })
    .option('verbose', { type: 'boolean', describe: 'Also log debug detail' })
    .option('quiet', { type: 'boolean', describe: 'Only log warnings and errors' })
    .command(
      'collect',
      'Collect every selected tenant and write one CSV report per tenant',
      (y) =>
        y
          .options(collectOptions())
          .example('$0 collect --table tenants --role-name OrgMetaReader --bucket my-reports', 'Collect every active tenant to S3')
          .example('$0 collect --no-upload --save-local --out-dir ./reports --tenant 111122223333', 'One tenant, local copy only')
          .example('$0 collect --tag-keys CostCenter,Owner --ou-path --json', 'Fixed tag columns, OU paths, JSON summary on stdout'),
    )
    .demandCommand(1, 'Name a command: collect.')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(120, process.stdout.columns ?? 100));
}

export async function runCli(args: readonly string[]): Promise<number> {
  let usageError: string | undefined;
  const parsed = await buildCli(args)
    .fail((message, error) => {
      usageError = message ?? error?.message ?? 'invalid command line';
    })
    .exitProcess(false)
    .parseAsync();
  if (usageError) {
    process.stderr.write(`orgmeta: ${usageError}\nRun "orgmeta --help" for usage.\n`);
    return EXIT_USAGE;
  }
  // --help and --version print and end without a command.
  if (parsed.help || parsed.version || parsed._.length === 0) return EXIT_OK;
  const command = String(parsed._[0]);
  if (command === 'collect') return runCollect(parsed as Record<string, unknown> & GlobalOptions);
  return EXIT_USAGE;
}
