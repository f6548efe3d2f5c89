import { ParquetSnapshotError } from './errors';

/** Conversions between the snapshot's strings (`''` = empty) and Parquet values (NULL = empty). */

export function stringOrNull(value: string): string | null {
  return value === '' ? null : value;
}

/** An ISO 8601 instant as a Date for a TIMESTAMP column; `''` is NULL. */
export function instantOrNull(value: string, column: string): Date | null {
  if (value === '') return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ParquetSnapshotError(`${column} is not an instant: ${JSON.stringify(value)}`);
  return date;
}

/** A STRING cell read back: NULL is `''`. */
export function stringFromCell(value: unknown, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  throw new ParquetSnapshotError(`${column} holds a ${typeof value}, not a string`);
}

/** A TIMESTAMP cell read back as ISO 8601 UTC with milliseconds: NULL is `''`. */
export function instantFromCell(value: unknown, column: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  throw new ParquetSnapshotError(`${column} holds ${String(value)}, not a timestamp`);
}

/** A MAP<STRING,STRING> cell read back (the reader gives an object); NULL is an empty map. */
export function tagsFromCell(value: unknown, column: string): Map<string, string> {
  if (value === null || value === undefined) return new Map();
  if (typeof value !== 'object') throw new ParquetSnapshotError(`${column} holds a ${typeof value}, not a map`);
  // A NULL value of a present key is a tag with an empty value.
  return new Map(Object.entries(value).map(([key, entry]) => [key, entry === null || entry === undefined ? '' : String(entry)]));
}
