import { displaySafe, type SecretMasker } from '@orgmeta/core';

/**
 * Longest free text (a log message, a hint) one line carries. Such text is built from untrusted
 * parts (tenant names, role names, AWS error text), so one huge value must not make a huge line;
 * single values (table cells, log fields) are cut sooner, at core's MAX_DISPLAY_LENGTH.
 */
export const MAX_TEXT_LENGTH = 2048;

/** Makes one untrusted value safe for one line of output (secrets masked, control characters escaped, long values cut). */
export type Display = (text: string, maxLength?: number) => string;

/** Masks first, so cutting a long value can never leave part of a secret behind. */
export function displayWith(secrets: SecretMasker): Display {
  return (text, maxLength) => displaySafe(secrets.mask(text), maxLength);
}

/**
 * JSON for stdout: the same data (JSON.parse gives every value back), with secrets masked and
 * U+2028/U+2029 escaped too, since JSON.stringify leaves those line separators raw.
 */
export function jsonText(value: unknown, secrets: SecretMasker): string {
  return secrets
    .mask(JSON.stringify(value, null, 2))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
