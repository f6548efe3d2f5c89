/** How figures read on the page. Fixed to one locale so the same model gives the same bytes anywhere. */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** `count` with its noun, singular or plural: `1 account`, `3 accounts`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/**
 * A share in [0, 1] as a percentage with one decimal. Only all is 100 % and only none is 0 %:
 * 9,999 of 10,000 reads 99.9 %, not a rounded-up 100 %. `null` (nothing to measure) reads "n/a".
 */
export function formatShare(share: number | null): string {
  if (share === null || Number.isNaN(share)) return 'n/a';
  if (share <= 0) return '0%';
  if (share >= 1) return '100%';
  const tenths = Math.min(999, Math.max(1, Math.round(share * 1000)));
  return `${(tenths / 10).toFixed(1)}%`;
}

/** `1.2 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const rest = totalSeconds % 60;
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${rest} s`;
}

/** An ISO 8601 UTC timestamp as `2024-05-01 12:00:00 UTC`; anything else is shown as it is. */
export function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** A long untrusted label cut for a chart (the table beside it shows it whole). */
export function shorten(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
