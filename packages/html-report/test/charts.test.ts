import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { BarChart, COLOURS, type Bar } from '../src/charts';

/** The SVG bar chart: what is drawn (bar lengths, tracks, labels) and what assistive technology reads. */

function chart(bars: Bar[], max: number, track?: boolean): string {
  return renderToString(h(BarChart, { id: 'c1', title: 'Accounts by state', bars, max, ...(track === undefined ? {} : { track }) }));
}

/** The `width` of every bar drawn in the given colour, in order. */
function widthsIn(svg: string, colour: string): number[] {
  return [...svg.matchAll(new RegExp(`<rect [^>]*width="([0-9.]+)"[^>]*fill="${colour}"`, 'g'))].map((m) => Number(m[1]));
}

const bar = (label: string, value: number, colour: Bar['colour'] = COLOURS.ok): Bar => ({
  label,
  value,
  valueLabel: `${value} accounts`,
  colour,
});

describe('BarChart', () => {
  it('draws each bar in proportion to the largest, 250 units for the largest, in its own colour', () => {
    const svg = chart([bar('ACTIVE', 8), bar('SUSPENDED', 2, COLOURS.bad), bar('CLOSED', 3, COLOURS.neutral)], 8);

    expect(widthsIn(svg, COLOURS.ok)).toEqual([250]);
    expect(widthsIn(svg, COLOURS.bad)).toEqual([62.5]);
    expect(widthsIn(svg, COLOURS.neutral)).toEqual([93.8]);
  });

  it('shows a tiny non-zero value as a sliver and a zero as nothing', () => {
    const svg = chart([bar('ACTIVE', 10_000), bar('SUSPENDED', 1, COLOURS.bad), bar('CLOSED', 0, COLOURS.neutral)], 10_000);

    expect(widthsIn(svg, COLOURS.bad)).toEqual([2]);
    expect(widthsIn(svg, COLOURS.neutral)).toEqual([0]);
  });

  it('never draws past the full length, and only a sliver when there is no largest value', () => {
    expect(widthsIn(chart([bar('x', 3)], 1), COLOURS.ok)).toEqual([250]);
    expect(widthsIn(chart([bar('x', 3)], 0), COLOURS.ok)).toEqual([2]);
  });

  it('draws the empty track behind each bar only for shares', () => {
    expect(widthsIn(chart([bar('Owner', 0.5), bar('CostCenter', 0.25)], 1, true), COLOURS.track)).toEqual([250, 250]);
    expect(widthsIn(chart([bar('Owner', 0.5)], 1), COLOURS.track)).toEqual([]);
    expect(widthsIn(chart([bar('Owner', 0.5)], 1, false), COLOURS.track)).toEqual([]);
  });

  it('sizes the picture to its rows, one row at least, and places each row below the previous one', () => {
    const two = chart([bar('a', 1), bar('b', 2)], 2);

    expect(two).toContain('viewBox="0 0 580 60" width="580" height="60"');
    expect(chart([], 1)).toContain('viewBox="0 0 580 32" width="580" height="32"');
    expect([...two.matchAll(/<rect x="200" y="([0-9.]+)"/g)].map((m) => Number(m[1]))).toEqual([8, 36]);
    expect([...two.matchAll(/<text x="190" y="([0-9.]+)"/g)].map((m) => Number(m[1]))).toEqual([16, 44]);
    expect([...two.matchAll(/<text class="value" x="460" y="([0-9.]+)"/g)].map((m) => Number(m[1]))).toEqual([16, 44]);
    expect(two).toContain('height="16" rx="3"');
  });

  it('gives every figure to assistive technology: a title and a description naming each bar and its value', () => {
    const svg = chart([bar('ACTIVE', 8), bar('SUSPENDED', 2)], 8);

    expect(svg).toContain('role="img" aria-labelledby="c1-title c1-desc"');
    expect(svg).toContain('<title id="c1-title">Accounts by state</title>');
    expect(svg).toContain('<desc id="c1-desc">ACTIVE: 8 accounts; SUSPENDED: 2 accounts</desc>');
    expect(svg).toContain('<text class="value" x="460" y="16" dy="0.35em">8 accounts</text>');
  });

  it('cuts a long label beside its bar to 22 characters; the description keeps it whole', () => {
    const long = 'a-very-long-tag-key-name-indeed';
    const svg = chart([bar(long, 1)], 1);

    expect(svg).toContain(`text-anchor="end">${long.slice(0, 21)}…</text>`);
    expect(svg).toContain(`<desc id="c1-desc">${long}: 1 accounts</desc>`);
    expect(chart([bar('x'.repeat(22), 1)], 1)).toContain(`text-anchor="end">${'x'.repeat(22)}</text>`);
  });
});
