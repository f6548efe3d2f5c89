import type { CollectConfig, ConfigRequirements } from '@orgmeta/core';
import type { StderrLogger, LogFormat } from './logger';

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
  readonly examples: readonly CommandExample[];
  /** Which settings the command cannot do without (the table is always needed). */
  readonly requirements: ConfigRequirements;
  /** Runs the command and returns the process exit code. */
  run(context: CommandContext): Promise<number>;
}
