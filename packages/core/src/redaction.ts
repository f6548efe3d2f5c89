import type { LogFields, Logger } from './ports';

/**
 * Secrets and untrusted text on their way to any output (logs, tables, summaries, manifests).
 * Every logger and every stored error message goes through one `SecretMasker` that knows every
 * ExternalId of the run, and through `displaySafe`, so neither a secret nor a forged line escapes.
 */

/** What replaces a secret. */
export const MASK = '***';

/** Longest value a message, log field or table cell may carry from one untrusted source. */
export const MAX_DISPLAY_LENGTH = 512;

/**
 * Knows every secret the run has seen (the run-wide ExternalId, each tenant's own, credentials)
 * and masks them in any text. Secrets learnt later (per-tenant ExternalIds read from the table)
 * are added as they are found; everything masked after that point is covered.
 */
export class SecretMasker {
  private secrets: string[] = [];

  constructor(initial: Iterable<string | undefined> = []) {
    for (const secret of initial) this.add(secret);
  }

  /**
   * Remembers a secret, also in the URL-encoded form an echoed request carries. Values under
   * 2 characters are not valid ExternalIds or keys and would mask innocent text.
   */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 2) return;
    const forms = [secret, encodeURIComponent(secret)].filter((form) => !this.secrets.includes(form));
    if (forms.length === 0) return;
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...this.secrets, ...new Set(forms)].sort((a, b) => b.length - a.length);
  }

  /** The text with every known secret replaced. */
  mask(text: string): string {
    let masked = text;
    for (const secret of this.secrets) masked = masked.split(secret).join(MASK);
    return masked;
  }
}

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides that can
// forge or disguise a line on a terminal or in a log viewer.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeCharacter(character: string): string {
  switch (character) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * Makes untrusted text (from the tenant table or AWS) safe to print on one line: control
 * characters are shown escaped (`\n`, `\u001b`) so they cannot start a new log line or move the
 * cursor, and very long values are cut with a note of how much was left out.
 */
export function displaySafe(text: string, maxLength: number = MAX_DISPLAY_LENGTH): string {
  const escaped = text.replace(UNSAFE_CHARACTERS, escapeCharacter);
  if (escaped.length <= maxLength) return escaped;
  return `${escaped.slice(0, maxLength)}… (${escaped.length - maxLength} more characters)`;
}

/**
 * Untrusted text (an AWS error message, a value from the table) as it may appear in a summary,
 * manifest or log line: secrets masked first (so a cut cannot leave half a secret), then made
 * display-safe and cut to a fixed size.
 */
export function safeText(text: string, secrets: SecretMasker | undefined, maxLength: number = MAX_DISPLAY_LENGTH): string {
  return displaySafe(secrets ? secrets.mask(text) : text, maxLength);
}

function maskFields(fields: LogFields | undefined, secrets: SecretMasker): LogFields | undefined {
  if (!fields) return fields;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? secrets.mask(value) : value]));
}

/** Core's logging through the run's masker: every message and string field, whatever secrets it learns later. */
export function maskingLogger(logger: Logger, secrets: SecretMasker): Logger {
  return {
    debug: (message, fields) => logger.debug(secrets.mask(message), maskFields(fields, secrets)),
    info: (message, fields) => logger.info(secrets.mask(message), maskFields(fields, secrets)),
    warn: (message, fields) => logger.warn(secrets.mask(message), maskFields(fields, secrets)),
    error: (message, fields) => logger.error(secrets.mask(message), maskFields(fields, secrets)),
  };
}
