import { COLLECT_SETTINGS, ConfigError, type CollectConfig, type ConfigRequirements } from '@orgmeta/core';
import { resolveAwsRegion } from '@orgmeta/aws-adapters';
import yargs, { type Argv, type Options } from 'yargs';
import { runCheck } from './commands/check';
import { runChanges } from './commands/changes';
import { runCollect } from './commands/collect';
import { runTenants } from './commands/tenants';
import { loadEnvironment, secretValues } from './environment';
import { StderrLogger, type LogFormat, type LogLevel } from './logger';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { resolveConfigFromCli } from './settings';

export interface GlobalOptions {
  readonly json?: boolean;
  readonly 'log-format'?: LogFormat;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
}

export type ParsedArgs = Record<string, unknown> & GlobalOptions;

/** What every command starts from: validated config, region, and a logger that masks secrets. */
export interface CommandContext {
  readonly argv: ParsedArgs;
  readonly config: CollectConfig;
  readonly region: string;
  readonly logger: StderrLogger;
  /** Where log lines go; commands with a live display redirect it. */
  setLogSink(write: ((line: string) => void) | undefined): void;
}

/** yargs options generated from core's settings table, so flags, env vars and defaults have one home. */
function settingOptions(flags: readonly string[]): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const setting of COLLECT_SETTINGS.filter((s) => flags.includes(s.flag))) {
    const extras = [setting.envVar ? `env ${setting.envVar}` : '', setting.defaultValue ? `default ${setting.defaultValue}` : '']
      .filter(Boolean)
      .join('; ');
    options[setting.flag] = {
      // Numbers stay strings here so core can name a bad value instead of yargs turning it into NaN.
      type: setting.kind === 'boolean' ? 'boolean' : setting.kind === 'array' ? 'array' : 'string',
      ...(setting.kind === 'array' ? { string: true } : {}),
      describe: extras ? `${setting.description} [${extras}]` : setting.description,
    };
  }
  return options;
}

const ALL_FLAGS = COLLECT_SETTINGS.map((s) => s.flag);
const SELECTION_FLAGS = ['table', 'tenant-status', 'tenant-service', 'tenant', 'role-name', 'external-id'];
const CHANGES_FLAGS = ['bucket', 'prefix', 'expected-bucket-owner', 'upload', 'out-dir', 'tenant', 'max-attempts'];
const CHECK_FLAGS = [
  ...SELECTION_FLAGS,
  'require-external-id',
  'bucket',
  'prefix',
  'expected-bucket-owner',
  'kms-key-id',
  'upload',
  'tenant-concurrency',
  'max-attempts',
  'org-rps',
  'session-duration',
];

/** Builds the context or returns the exit code of a usage/configuration error (printed). */
async function prepare(argv: ParsedArgs, requirements: ConfigRequirements): Promise<CommandContext | number> {
  const env = loadEnvironment();
  let write: ((line: string) => void) | undefined;
  try {
    const config = resolveConfigFromCli(argv, env, requirements);
    const logger = new StderrLogger({
      format: argv['log-format'] ?? 'text',
      level: (argv.verbose ? 'debug' : argv.quiet ? 'warn' : 'info') as LogLevel,
      secrets: [...secretValues(env), ...(config.externalId ? [config.externalId] : [])],
      write: (line) => (write ? write(line) : process.stderr.write(`${line}\n`)),
    });
    // Before the first SDK client exists, so its Node.js version notice goes through the logger too.
    routeProcessWarnings(logger);
    const region = await resolveAwsRegion();
    return { argv, config, region, logger, setLogSink: (sink) => (write = sink) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`orgmeta: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** Routes Node.js runtime warnings (e.g. the SDK's Node version notice) through our logger, one line each. */
function routeProcessWarnings(logger: StderrLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(warning.message.split('\n')[0].trim(), { warning: warning.name }));
}

/** Builds the `orgmeta` command line. */
export function buildCli(args: readonly string[]): Argv {
  return (
    yargs([...args])
      .scriptName('orgmeta')
      // Keys stay as the flags are spelled: core looks them up by flag name.
      .parserConfiguration({ 'camel-case-expansion': false })
      .usage(
        '$0 <command> [options]\n\nCollects the accounts of every tenant AWS Organization into CSV reports.\nEvery flag can also come from its environment variable or a .env file in the working directory.',
      )
      .option('json', { type: 'boolean', describe: 'Print the result as JSON on stdout' })
      .option('log-format', { choices: ['text', 'json'] as const, describe: 'Log line format on stderr [default text]' })
      .option('verbose', { type: 'boolean', describe: 'Also log debug detail' })
      .option('quiet', { type: 'boolean', describe: 'Only log warnings and errors; no progress display' })
      .command('collect', 'Collect every selected tenant and write one CSV report per tenant', (y) =>
        y
          .options(settingOptions(ALL_FLAGS))
          .example('$0 collect --table tenants --role-name OrgMetaReader --bucket my-reports', 'Collect every active tenant to S3')
          .example('$0 collect --no-upload --tenant 111122223333', 'One tenant, local copy only (./reports)')
          .example('$0 collect --tag-keys CostCenter,Owner --ou-path --json > summary.json', 'Fixed tag columns, OU paths, JSON summary'),
      )
      .command('tenants', 'List the tenants a run would collect, and the table rows it would skip', (y) =>
        y
          .options(settingOptions(SELECTION_FLAGS))
          .example('$0 tenants --table tenants', 'Table of the selected tenants and the invalid rows')
          .example('$0 tenants --table tenants --tenant-status onboarding --json', 'Another status, as JSON'),
      )
      .command('check', 'Preflight: try every permission a run needs, per tenant, and say how to fix what fails', (y) =>
        y
          .options(settingOptions(CHECK_FLAGS))
          .example('$0 check --table tenants --role-name OrgMetaReader --bucket my-reports', 'PASS/FAIL table with fixes')
          .example('$0 check --tenant 111122223333 --json', 'One new tenant, as JSON'),
      )
      .command(
        'changes',
        'List the account changes of the latest run of each tenant (or of one run, or since a date), from S3 or the output folder',
        (y) =>
          y
            .options(settingOptions(CHANGES_FLAGS))
            .option('run-id', { type: 'string', describe: 'The changes of this run (its ID, from the summary)' })
            .option('since', { type: 'string', describe: 'Every change detected from this UTC date (YYYY-MM-DD) to today' })
            .example('$0 changes --bucket my-reports', 'The latest changes of every tenant')
            .example('$0 changes --no-upload --out-dir reports --since 2024-05-01 --json', 'From the local output folder, as JSON'),
      )
      .completion('completion', 'Print a bash/zsh completion script (source it from your shell profile)')
      .demandCommand(1, 'Name a command: collect, tenants, check or changes.')
      .strict()
      .help()
      .alias('h', 'help')
      .version()
      .wrap(Math.min(120, process.stdout.columns ?? 100))
  );
}

/** Runs the command line and returns the process exit code. */
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
  const command = String(parsed._[0] ?? '');
  const argv = parsed as ParsedArgs;
  // --help, --version and completion print and end without running a command.
  if (parsed.help || parsed.version || !['collect', 'tenants', 'check', 'changes'].includes(command)) return EXIT_OK;
  const requirements =
    command === 'tenants'
      ? { roleName: false, bucket: false }
      : command === 'changes'
        ? { roleName: false, bucket: true, table: false }
        : { roleName: true, bucket: true };
  const context = await prepare(argv, requirements);
  if (typeof context === 'number') return context;
  if (command === 'changes') return runChanges(context);
  if (command === 'tenants') return runTenants(context);
  if (command === 'check') return runCheck(context);
  return runCollect(context);
}
