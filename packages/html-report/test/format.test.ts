import { formatCount, formatDuration, formatShare, formatTimestamp, plural, shorten } from '../src/format';

describe('formatShare', () => {
  it('reads only all as 100% and only none as 0%', () => {
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(9_999 / 10_000)).toBe('99.9%');
    expect(formatShare(1 / 10_000)).toBe('0.1%');
    expect(formatShare(2 / 3)).toBe('66.7%');
  });

  it('reads a share with nothing to measure as n/a', () => {
    expect(formatShare(null)).toBe('n/a');
    expect(formatShare(Number.NaN)).toBe('n/a');
  });
});

describe('formatDuration', () => {
  it('picks a unit a person reads at a glance', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_870)).toBe('4.9 s');
    expect(formatDuration(161_250)).toBe('2 min 41 s');
    expect(formatDuration(3_780_000)).toBe('1 h 3 min');
    expect(formatDuration(-1)).toBe('n/a');
  });
});

describe('formatTimestamp', () => {
  it('shows ISO UTC timestamps to the second, anything else as it is', () => {
    expect(formatTimestamp('2024-05-01T12:00:00.123Z')).toBe('2024-05-01 12:00:00 UTC');
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });
});

describe('shorten', () => {
  it('cuts long labels by characters, not UTF-16 units', () => {
    expect(shorten('Owner', 24)).toBe('Owner');
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('😀😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('formatCount and plural', () => {
  it('groups thousands, shows whole numbers, and picks the singular only for one', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(2.6)).toBe('3');
    expect(plural(1, 'account')).toBe('1 account');
    expect(plural(0, 'account')).toBe('0 accounts');
    expect(plural(2_000, 'account')).toBe('2,000 accounts');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('formatShare at the edges', () => {
  it('keeps a share just above none at 0.1% and one just below all at 99.9%', () => {
    expect(formatShare(0.0001)).toBe('0.1%');
    expect(formatShare(0.9996)).toBe('99.9%');
    expect(formatShare(-0.5)).toBe('0%');
    expect(formatShare(1.5)).toBe('100%');
    expect(formatShare(0.25)).toBe('25.0%');
  });
});

describe('formatDuration at the unit boundaries', () => {
  it('switches units at one second, one minute and one hour', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(1_000)).toBe('1.0 s');
    expect(formatDuration(59_940)).toBe('59.9 s');
    expect(formatDuration(60_000)).toBe('1 min 0 s');
    expect(formatDuration(3_599_000)).toBe('59 min 59 s');
    expect(formatDuration(3_600_000)).toBe('1 h 0 min');
    expect(formatDuration(7_325_000)).toBe('2 h 2 min');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(formatDuration(Number.NaN)).toBe('n/a');
  });
});

describe('formatTimestamp forms', () => {
  it('takes whole seconds too, and only a full UTC timestamp', () => {
    expect(formatTimestamp('2024-05-01T12:00:00Z')).toBe('2024-05-01 12:00:00 UTC');
    expect(formatTimestamp('2024-05-01T12:00:00+02:00')).toBe('2024-05-01T12:00:00+02:00');
    expect(formatTimestamp('x2024-05-01T12:00:00Z')).toBe('x2024-05-01T12:00:00Z');
    expect(formatTimestamp('2024-05-01T12:00:00.5Zx')).toBe('2024-05-01T12:00:00.5Zx');
  });
});

describe('shorten at its limit', () => {
  it('keeps a label of exactly the limit whole', () => {
    expect(shorten('abcd', 4)).toBe('abcd');
    expect(shorten('abcde', 4)).toBe('abc…');
  });
});
