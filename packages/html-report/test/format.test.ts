import { formatDuration, formatShare, formatTimestamp, shorten } from '../src/format';

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
