import { displaySafe, type LogFields, type Logger, type SecretMasker } from '@orgmeta/core';
import { MAX_TEXT_LENGTH } from './output';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys of a JSON log line that fields cannot replace. */
const RESERVED_KEYS = new Set(['time', 'level', 'message']);

export interface StderrLoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** The command's secrets (ExternalIds, secret keys, session tokens), masked as a last line of defence. */
  readonly secrets: SecretMasker;
  readonly write?: (line: string) => void;
}

/**
 * The CLI's logger: one line per event on stderr, text or JSON. Every message and field value
 * is masked and made display-safe (control characters escaped, long values cut), so a value
 * from the tenant table or AWS can neither reveal a secret nor forge a line.
 */
export class StderrLogger implements Logger {
  private readonly write: (line: string) => void;

  constructor(private readonly options: StderrLoggerOptions) {
    this.write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
  }

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.options.level]) return;
    const safeMessage = this.safe(message, MAX_TEXT_LENGTH);
    const safeFields = Object.entries(fields ?? {})
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([key, value]): [string, string | number | boolean] => [this.safe(key), typeof value === 'string' ? this.safe(value) : value]);
    this.write(this.options.format === 'json' ? jsonLine(level, safeMessage, safeFields) : textLine(level, safeMessage, safeFields));
  }

  /** Masks first, so cutting a long value can never leave part of a secret behind. */
  private safe(text: string, maxLength?: number): string {
    return displaySafe(this.options.secrets.mask(text), maxLength);
  }
}

function textLine(level: LogLevel, message: string, fields: readonly [string, string | number | boolean][]): string {
  const parts = fields.map(([key, value]) => `${key}=${String(value)}`);
  return `${level.toUpperCase().padEnd(5)} ${message}${parts.length ? ` (${parts.join(' ')})` : ''}`;
}

function jsonLine(level: LogLevel, message: string, fields: readonly [string, string | number | boolean][]): string {
  const entry: Record<string, string | number | boolean> = { time: new Date().toISOString(), level, message };
  for (const [key, value] of fields) if (!RESERVED_KEYS.has(key)) entry[key] = value;
  return JSON.stringify(entry);
}
