import { safeText, type LogFields, type Logger, type SecretMasker } from '@orgmeta/core';
import { LOG_LEVELS, type LogLevel } from './lambda-settings';

export interface LambdaJsonLoggerOptions {
  /** Lines below this level are dropped. */
  readonly level: LogLevel;
  /** The run's one masker: every secret it knows is replaced in every line. */
  readonly secrets: SecretMasker;
  /** Where a finished line goes (stdout: with Lambda's JSON log format it stays structured). */
  readonly write?: (line: string) => void;
}

/**
 * One JSON object per line on stdout. Like the CLI's logger, it masks every secret the run
 * knows and passes the message and every text field through `displaySafe` (core's `safeText`), so neither an
 * ExternalId nor a forged line (newlines, escape codes from AWS or the tenant table) gets out.
 */
export class LambdaJsonLogger implements Logger {
  private readonly write: (line: string) => void;
  private readonly lowest: number;

  constructor(private readonly options: LambdaJsonLoggerOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(line));
    this.lowest = LOG_LEVELS.indexOf(options.level);
  }

  debug(message: string, fields?: LogFields): void {
    this.log('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('ERROR', message, fields);
  }

  private log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.lowest) return;
    const record: Record<string, string | number | boolean> = { level, message: this.safe(message) };
    for (const [key, value] of Object.entries(fields)) {
      // A field never replaces the level or the message.
      if (value === undefined || key in record) continue;
      record[key] = typeof value === 'string' ? this.safe(value) : value;
    }
    this.write(`${JSON.stringify(record)}\n`);
  }

  private safe(text: string): string {
    // Masked first, then escaped and cut (core's safeText): a cut never leaves half a secret.
    return safeText(text, this.options.secrets);
  }
}
