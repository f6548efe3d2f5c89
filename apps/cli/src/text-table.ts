import { displaySafe } from '@orgmeta/core';
import type { Display } from './output';

/**
 * A plain aligned text table: no colours or control characters, so it is safe off a TTY.
 * Every cell goes through `display` (by default displaySafe), so a value with a newline or an
 * escape sequence cannot start a row of its own, and a huge value cannot make a huge row.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], display: Display = displaySafe): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => display(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
