import { ConfigError, SecretMasker, type ConfigRequirements } from '@orgmeta/core';
import { resolveAwsRegion } from '@orgmeta/aws-adapters';
import yargs, { type Argv } from 'yargs';
import type { CommandContext, CommandDefinition, ParsedArgs } from './command';
import { COMMANDS } from './commands';
import { reportCrash } from './crash';
import { loadEnvironment, secretValues } from './environment';
import { StderrLogger, type LogLevel } from './logger';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { settingOptions } from './flags';
import { displayWith, jsonText } from './output';
import { resolveConfigFromCli } from './settings';

/** Builds the context or returns the exit code of a usage/configuration error (printed). */
async function prepare(argv: ParsedArgs, requirements: ConfigRequirements): Promise<CommandContext | number> {
  const env = loadEnvironment();
  let write: ((line: string) => void) | undefined;
  try {
    const config = resolveConfigFromCli(argv, env, requirements);
    const secrets = new SecretMasker([...secretValues(env), config.externalId]);
    const logger = new StderrLogger({
      format: argv['log-format'] ?? 'text',
      level: (argv.verbose ? 'debug' : argv.quiet ? 'warn' : 'info') as LogLevel,
      secrets,
      write: (line) => (write ? write(line) : process.stderr.write(`${line}\n`)),
    });
    // Before the first SDK client exists, so its Node.js version notice goes through the logger too.
    routeProcessWarnings(logger);
    const region = await resolveAwsRegion();
    return {
      argv,
      config,
      region,
      secrets,
      logger,
      display: displayWith(secrets),
      print: (text) => process.stdout.write(`${secrets.mask(text)}\n`),
      printJson: (value) => process.stdout.write(`${jsonText(value, secrets)}\n`),
      setLogSink: (sink) => (write = sink),
    };
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

/** `a`, `a or b`, `a, b or c`. */
function alternatives(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Builds the `orgmeta` command line from the command registry. */
export function buildCli(args: readonly string[], commands: readonly CommandDefinition[] = COMMANDS): Argv {
  let cli = yargs([...args])
    .scriptName('orgmeta')
    // Keys stay as the flags are spelled: core looks them up by flag name.
    .parserConfiguration({ 'camel-case-expansion': false })
    .usage(
      '$0 <command> [options]\n\nCollects the accounts of every tenant AWS Organization into CSV reports.\nEvery flag can also come from its environment variable or a .env file in the working directory.',
    )
    .option('json', { type: 'boolean', describe: 'Print the result as JSON on stdout' })
    .option('log-format', { choices: ['text', 'json'] as const, describe: 'Log line format on stderr [default text]' })
    .option('verbose', { type: 'boolean', describe: 'Also log debug detail' })
    .option('quiet', { type: 'boolean', describe: 'Only log warnings and errors; no progress display' });
  for (const command of commands) {
    cli = cli.command(command.name, command.description, (y) =>
      command.examples.reduce(
        (built, example) => built.example(example.command, example.description),
        y.options({ ...settingOptions(command.flags), ...command.options }),
      ),
    );
  }
  return cli
    .completion('completion', 'Print a bash/zsh completion script (source it from your shell profile)')
    .demandCommand(1, `Name a command: ${alternatives(commands.map((c) => c.name))}.`)
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(120, process.stdout.columns ?? 100));
}

/** Runs the command line and returns the process exit code. */
export async function runCli(args: readonly string[], commands: readonly CommandDefinition[] = COMMANDS): Promise<number> {
  let usageError: string | undefined;
  const parsed = await buildCli(args, commands)
    .fail((message, error) => {
      usageError = message ?? error?.message ?? 'invalid command line';
    })
    .exitProcess(false)
    .parseAsync();
  if (usageError) {
    process.stderr.write(`orgmeta: ${usageError}\nRun "orgmeta --help" for usage.\n`);
    return EXIT_USAGE;
  }
  const argv = parsed as ParsedArgs;
  const command = commands.find((c) => c.name === String(parsed._[0] ?? ''));
  // --help, --version and completion print and end without running a command.
  if (parsed.help || parsed.version || !command) return EXIT_OK;
  let context: CommandContext | undefined;
  try {
    const prepared = await prepare(argv, command.requirements);
    if (typeof prepared === 'number') return prepared;
    context = prepared;
    return await command.run(context);
  } catch (error) {
    // A setting found wrong once the command has started (e.g. no default bucket owner): still before any write.
    if (error instanceof ConfigError) {
      process.stderr.write(`orgmeta: ${error.message}\n`);
      return EXIT_USAGE;
    }
    return reportCrash(error, {
      command,
      config: context?.config,
      verbose: Boolean(argv.verbose),
      format: argv['log-format'] ?? 'text',
      logger: context?.logger,
      secrets: context?.secrets ?? new SecretMasker(secretValues(process.env)),
    });
  }
}
