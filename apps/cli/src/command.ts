import type { CollectConfig, ConfigRequirements, SecretMasker } from '@orgmeta/core';
import type { StderrLogger, LogFormat } from './logger';
import type { Display } from './output';
import type { Options } from 'yargs';

export interface GlobalOptions {
  readonly json?: boolean;
  readonly 'log-format'?: LogFormat;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
}

export type ParsedArgs = Record<string, unknown> & GlobalOptions;

/** What every command starts from: validated config, region, the command's secrets and a logger that masks them. */
export interface CommandContext {
  readonly argv: ParsedArgs;
  readonly config: CollectConfig;
  readonly region: string;
  /**
   * The one masker of this command: it holds the run-wide ExternalId and the collector's own
   * credentials; the logger masks with it, and it is what the pipeline's `secrets` dependency
   * takes, so per-tenant ExternalIds the pipeline learns are masked in the CLI's output too.
   */
  readonly secrets: SecretMasker;
  readonly logger: StderrLogger;
  /** An untrusted value made safe for one line of output (masked, control characters escaped, long values cut). */
  readonly display: Display;
  /** Writes text to stdout, secrets masked; table cells and values in it must already have gone through `display`. */
  print(text: string): void;
  /** Writes a value as JSON to stdout, secrets masked. */
  printJson(value: unknown): void;
  /** Where log lines go; commands with a live display redirect it. */
  setLogSink(write: ((line: string) => void) | undefined): void;
}

/** One usage example shown in the command's help. */
export interface CommandExample {
  readonly command: string;
  readonly description: string;
}

/**
 * One `orgmeta` command, declared once: the CLI builds its help, flags and dispatch from
 * the list of these (commands/index.ts), so a new command is one file and one line.
 */
export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  /** Flags of core's settings table this command accepts (by flag name). */
  readonly flags: readonly string[];
  /** The command's own flags, outside the settings table (e.g. `changes --run-id`). */
  readonly options?: Readonly<Record<string, Options>>;
  readonly examples: readonly CommandExample[];
  /** Which settings the command cannot do without (the table is always needed). */
  readonly requirements: ConfigRequirements;
  /**
   * Where the command writes, said after an unexpected crash (which exits 70, not 1, because
   * something may have been written); undefined for a command that writes nothing.
   */
  writesTo?(config: CollectConfig): string | undefined;
  /** Runs the command and returns the process exit code. */
  run(context: CommandContext): Promise<number>;
}
