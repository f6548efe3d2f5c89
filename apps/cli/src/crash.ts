import { SecretMasker, displaySafe, type CollectConfig } from '@orgmeta/core';
import type { CommandDefinition } from './command';
import { EXIT_SOFTWARE } from './exit-codes';
import type { LogFormat, StderrLogger } from './logger';
import { MAX_TEXT_LENGTH } from './output';

export interface CrashContext {
  /** The command that was running, when the command line named one. */
  readonly command?: CommandDefinition;
  /** Its configuration, when it got that far. */
  readonly config?: CollectConfig;
  readonly verbose: boolean;
  readonly format: LogFormat;
  /** The command's logger and secrets, when it got that far; else secrets from the environment are masked. */
  readonly logger?: StderrLogger;
  readonly secrets: SecretMasker;
  readonly write?: (text: string) => void;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The stack's frames only (its first lines repeat the message, which is shown, made safe, above). */
function stackFrames(error: unknown): string[] {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return stack.split('\n').filter((line) => /^\s+at /.test(line));
}

/**
 * Reports an exception that escaped a command and returns EXIT_SOFTWARE: it says that outputs
 * may have been written (exit 1 would promise the opposite) and where the command writes them,
 * and shows the stack trace only with --verbose.
 */
export function reportCrash(error: unknown, context: CrashContext): number {
  const safe = (text: string) => displaySafe(context.secrets.mask(text), MAX_TEXT_LENGTH);
  const where = context.command && context.config ? context.command.writesTo?.(context.config) : undefined;
  const what = `unexpected error${context.command ? ` in ${context.command.name}` : ''}: ${describeError(error)}`;
  const advice = context.verbose
    ? 'This is a bug; please report it with the stack trace.'
    : 'This is a bug; re-run with --verbose for the stack trace.';
  const frames = context.verbose ? stackFrames(error) : [];
  if (context.format === 'json' && context.logger) {
    context.logger.error(what, {
      exitCode: EXIT_SOFTWARE,
      outputs: where,
      advice,
      stack: frames.length ? frames.map((f) => f.trim()).join(' | ') : undefined,
    });
    return EXIT_SOFTWARE;
  }
  const write = context.write ?? ((text: string) => process.stderr.write(text));
  const lines = [
    `orgmeta: ${safe(what)}`,
    ...(where ? [`orgmeta: ${safe(where)}`] : []),
    `orgmeta: ${advice}`,
    ...frames.map((f) => safe(f)),
  ];
  write(`${lines.join('\n')}\n`);
  return EXIT_SOFTWARE;
}
