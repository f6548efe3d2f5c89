import type { LogFields, Logger } from '@orgmeta/core';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StderrLoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** Values that must never be printed (ExternalIds, secret keys, session tokens); masked as a last line of defence. */
  readonly secrets: readonly string[];
  readonly write?: (line: string) => void;
}

/** The CLI's logger: one line per event on stderr, text or JSON. */
export class StderrLogger implements Logger {
  private readonly write: (line: string) => void;
  private readonly secrets: string[];

  constructor(private readonly options: StderrLoggerOptions) {
    this.write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    // Short values would mask innocent text; real secrets are long.
    this.secrets = options.secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
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
    const line =
      this.options.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })
        : `${level.toUpperCase().padEnd(5)} ${message}${formatFields(fields)}`;
    this.write(this.mask(line));
  }

  private mask(line: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), line);
  }
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}
