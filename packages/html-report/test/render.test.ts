import { createHash } from 'node:crypto';
import type { RunReport } from '@orgmeta/core';
import { buildRunReport } from '@orgmeta/core';
import { REPORT_CSP, renderRunReport } from '../src';
import { FAILED_HINT, HOSTILE, hostileModel, largeModel } from './fixtures';

interface Element {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * Every element a browser would build from the page: Preact escapes `<` in text, so each raw
 * `<` followed by a letter opens a tag. Attributes are read quoted or not, as an injection would write them.
 */
function elements(html: string): Element[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)].map((m) => ({
    name: m[1].toLowerCase(),
    attributes: new Map(
      [...m[2].matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)].map((a) => [
        a[1].toLowerCase(),
        a[2] ?? a[3] ?? a[4] ?? '',
      ]),
    ),
  }));
}

const ALLOWED_ATTRIBUTES = new Set([
  'lang',
  'charset',
  'http-equiv',
  'name',
  'content',
  'class',
  'id',
  'href',
  'scope',
  'role',
  'aria-label',
  'aria-labelledby',
  'viewbox',
  'width',
  'height',
  'xmlns',
  'x',
  'y',
  'dy',
  'rx',
  'fill',
  'text-anchor',
]);

function escapeHtml(text: string): string {
  // As Preact writes text: `>` needs no escape in HTML text.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

const ALLOWED_ELEMENTS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'div',
  'header',
  'nav',
  'ul',
  'li',
  'a',
  'main',
  'section',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'span',
  'strong',
  'small',
  'code',
  'bdi',
  'dl',
  'dt',
  'dd',
  'figure',
  'svg',
  'desc',
  'g',
  'text',
  'rect',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
]);

describe('renderRunReport', () => {
  const model = hostileModel();
  const html = renderRunReport(model);

  it('builds no element or attribute from a hostile value: only those of the template', () => {
    const found = elements(html);

    expect(found.length).toBeGreaterThan(500);
    expect(found.filter((e) => !ALLOWED_ELEMENTS.has(e.name)).map((e) => e.name)).toEqual([]);
    expect(found.flatMap((e) => [...e.attributes.keys()]).filter((a) => !ALLOWED_ATTRIBUTES.has(a))).toEqual([]);
    expect(html).not.toMatch(/<(script|img|iframe|object|embed|link|base|form)\b/i);
    // One stylesheet: the hostile `</style>` never closes it early.
    expect(html.match(/<\/style/gi)).toHaveLength(1);
    expect(html.match(/<style/gi)).toHaveLength(1);
  });

  it('would notice an injected element (the checks above can fail)', () => {
    const injected = elements(`<p>${HOSTILE.img}</p>`);

    expect(injected.map((e) => e.name)).toEqual(['p', 'img']);
    expect([...injected[1].attributes.keys()]).toEqual(['src', 'onerror']);
  });

  it('shows every hostile value as escaped text', () => {
    for (const value of [HOSTILE.script, HOSTILE.img, HOSTILE.style, HOSTILE.javascript, HOSTILE.comment]) {
      expect(html).toContain(escapeHtml(value));
    }
    // An entity-looking value is shown as it was written, not decoded.
    expect(html).toContain(escapeHtml(HOSTILE.entity));
  });

  it('shows invisible controls (line separators, bidi overrides) as visible escapes, as every output does', () => {
    expect(html).toContain('line\\u2028separator\\u2029para');
    expect(html).toContain('\\u202egnp.exe');
    expect(html).not.toMatch(/[\u2028\u2029\u202a-\u202e]/);
  });

  it('never turns a value into a link: every link is to a tenant section of the page', () => {
    const hrefs = elements(html).flatMap((e) => (e.attributes.has('href') ? [e.attributes.get('href')] : []));

    expect(hrefs.length).toBe(2 * model.tenants.length);
    expect(hrefs.filter((href) => !/^#tenant-\d+$/.test(href ?? ''))).toEqual([]);
  });

  it('allows nothing to be fetched: a strict CSP whose style hash is the page stylesheet', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');

    expect(REPORT_CSP).toBe(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"/>`);
    // The policy is in force before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style'));
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('is one accessible document: lang, one h1, headings without skipped levels, scoped header cells', () => {
    const levels = [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    const jumps = levels.slice(1).filter((level, i) => level > levels[i] + 1);

    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    expect(jumps).toEqual([]);
    expect([...html.matchAll(/<th\b[^>]*>/g)].every((m) => /\sscope="(col|row)"/.test(m[0]))).toBe(true);
  });

  it('gives every chart a role, a name and a description that exist on the page', () => {
    const charts = [...html.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0]);

    expect(charts.length).toBeGreaterThanOrEqual(2 + 2 * 3);
    for (const chart of charts) {
      expect(chart).toContain('role="img"');
      const ids = /aria-labelledby="([^"]+)"/.exec(chart)?.[1].split(' ') ?? [];
      expect(ids).toHaveLength(2);
      for (const id of ids) expect(html).toContain(` id="${id}"`);
    }
  });

  it('shows the fleet figures, each tenant, and the failed tenant with its code and hint', () => {
    expect(html).toContain('Acme Corp');
    expect(html).toContain(escapeHtml(`Globex ${HOSTILE.script}`));
    expect(html).toContain(FAILED_HINT);
    expect(html).toContain('AccessDenied');
    expect(html).toContain('<dt>Tenants</dt><dd>4<small>3 succeeded, 1 failed</small></dd>');
    expect(html).toContain(`<dt>Accounts</dt><dd>${model.fleet.accounts}<small>`);
    expect(html).toContain('Compared with run <code>20240430T120000Z-1c2d</code>');
    expect(html).toContain('First snapshot of this tenant');
  });

  it('gives the same bytes for the same model', () => {
    expect(renderRunReport(hostileModel())).toBe(html);
  });

  it('renders a 6 tenants x 100 accounts run in well under 1 MB', () => {
    const large = renderRunReport(largeModel());

    expect(Buffer.byteLength(large, 'utf8')).toBeLessThan(1024 * 1024);
    expect(large.match(/<section class="tenant /g)).toHaveLength(6);
  });

  it('keeps the page small however many accounts miss tags: the list is cut, the count is not', () => {
    const page = renderRunReport(largeModel());
    const full: RunReport = largeModel();

    expect(full.tenants[0].tagCoverage?.accountsMissing).toBeGreaterThan(0);
    const capped = renderRunReport({
      ...full,
      tenants: full.tenants.map((t) =>
        t.tagCoverage ? { ...t, tagCoverage: { ...t.tagCoverage, accountsMissingTags: t.tagCoverage.accountsMissingTags.slice(0, 3) } } : t,
      ),
    });
    expect(capped).toContain(`The first 3 of ${full.tenants[0].tagCoverage?.accountsMissing} accounts`);
    expect(capped.length).toBeLessThan(page.length);
  });

  it('renders a run with no tenant and no optional figures', () => {
    const empty = renderRunReport(
      buildRunReport({
        runId: 'r1',
        startedAt: '2024-05-01T12:00:00.000Z',
        finishedAt: '2024-05-01T12:00:01.000Z',
        tenants: [],
        invalidRecords: [],
        totals: { tenants: 0, succeeded: 0, failed: 0, accounts: 0 },
      }),
    );

    expect(empty).toContain('No tenant was selected in this run.');
    expect(empty).toContain('Changes were not detected in this run.');
    expect(empty).toContain('No tenant failed.');
    expect(empty).not.toContain('Required-tag coverage');
  });
});
