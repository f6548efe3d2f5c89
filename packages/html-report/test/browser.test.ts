import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displaySafe } from '@orgmeta/core';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { renderRunReport } from '../src';
import { formatCount, formatShare } from '../src/format';
import { FAILED_HINT, HOSTILE, hostileModel } from './fixtures';

/**
 * What a person sees when they open the report in a real browser: Debian's Chromium
 * (installed by scripts/ensure-chromium.sh before jest runs), driven by playwright-core.
 * Every request is routed through the test: the page itself is served from the rendered file,
 * anything else is recorded and blocked, so a request that leaves the page fails the test.
 */

const CHROMIUM = '/usr/bin/chromium';
// As root in a container: no sandbox; and no background traffic to Google's hosts.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const OUTPUT_DIR = join(__dirname, '..', 'test-output');
const PAGE_URL = 'https://reports.orgmeta.invalid/_reports/20240501T120000Z-7f3a.html';
const LAPTOP = { width: 1366, height: 850 };

interface OpenedReport {
  readonly page: Page;
  /** Every request the page made, the page itself included. */
  readonly requests: string[];
  /** Requests that were not the page: recorded and blocked. */
  readonly blocked: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
}

let context: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (the package's test task does)`);
  }
  profileDir = mkdtempSync(join(tmpdir(), 'orgmeta-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: LAPTOP,
    deviceScaleFactor: 1,
  });
});

afterAll(async () => {
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

async function openReport(file: string): Promise<OpenedReport> {
  const page = await context.newPage();
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === PAGE_URL) {
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(file) });
      return;
    }
    blocked.push(url);
    await route.abort('blockedbyclient');
  });
  await page.goto(PAGE_URL, { waitUntil: 'load' });
  // Let anything the page might start after load (a lazy image, a favicon) be seen.
  await page.waitForTimeout(300);
  return { page, requests, blocked, errors };
}

function writeReport(name: string, html: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, name);
  writeFileSync(file, html);
  return file;
}

/** Text contrast below WCAG AA (4.5:1, or 3:1 for large text), computed from what the browser rendered. */
async function lowContrastTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (colour: string): number[] => (colour.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: Element | null): number[] => {
      for (let e = element; e; e = e.parentElement) {
        const rgba = parse(getComputedStyle(e).backgroundColor);
        if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0)) return rgba.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (element.closest('svg')) continue;
      const ownText = Array.from(element.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!ownText) continue;
      const style = getComputedStyle(element);
      const fg = luminance(parse(style.color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        failures.push(`${element.tagName} "${(element.textContent ?? '').slice(0, 40)}" ${ratio.toFixed(2)}:1`);
    }
    return failures;
  });
}

describe('the HTML report in Chromium', () => {
  const model = hostileModel();
  let opened: OpenedReport;

  beforeAll(async () => {
    opened = await openReport(writeReport('report.html', renderRunReport(model)));
  });

  afterAll(async () => {
    await opened?.page.close();
  });

  it('loads with no request leaving the page and no console error', () => {
    expect(opened.requests).toEqual([PAGE_URL]);
    expect(opened.blocked).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('runs nothing and builds nothing from hostile values', async () => {
    const { page } = opened;

    expect(await page.locator('script, img, iframe, object, embed, link, form, [onerror], [onload], [onclick]').count()).toBe(0);
    expect(await page.locator('img[onerror]').count()).toBe(0);
    // The hostile `<script>` would have renamed the page, the hostile `</style><style>` hidden it.
    expect(await page.title()).toBe('Fleet report · run 20240501T120000Z-7f3a');
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await page.locator('style').count()).toBe(1);
  });

  it('shows the hostile values as text', async () => {
    const text = (await opened.page.locator('main').textContent()) ?? '';

    for (const value of [HOSTILE.script, HOSTILE.img, HOSTILE.style, HOSTILE.javascript, HOSTILE.entity, HOSTILE.comment]) {
      expect(text).toContain(value);
    }
    expect(text).toContain(displaySafe(HOSTILE.lineSeparator));
    expect(text).toContain(displaySafe(HOSTILE.bidi));
  });

  it('names every tenant, with the figures of the fleet at a glance', async () => {
    const { page } = opened;

    const headings = await page.locator('section.tenant > h3 bdi').allTextContents();
    const tiles = await page
      .locator('.tile')
      .evaluateAll((tiles) =>
        tiles.map((tile) => [
          tile.querySelector('dt')?.textContent,
          tile.querySelector('dd')?.firstChild?.textContent,
          tile.querySelector('small')?.textContent,
        ]),
      );

    expect(headings).toEqual(model.tenants.map((t) => displaySafe(t.tenantName)));
    expect(tiles).toEqual([
      ['Tenants', '4', '3 succeeded, 1 failed'],
      ['Accounts', formatCount(model.fleet.accounts), `${model.fleet.accountStates.find((s) => s.state === 'ACTIVE')?.accounts} ACTIVE`],
      ['Failed tenants', '1', 'see Failures below'],
      ['Changes', '13', '+2 added, −1 removed, 6 modified'],
      ['Fully tagged', formatShare(model.fleet.tagCoverage?.fullyTaggedShare ?? null), `11 of 37 ACTIVE accounts`],
    ]);
    expect(await page.locator('h1').allTextContents()).toEqual(['Fleet report']);
  });

  it("shows the failed tenant's error and hint, in the fleet's failures and in its own section", async () => {
    const { page } = opened;
    const section = page.locator('section.tenant.failed');

    expect(await section.count()).toBe(1);
    expect(await section.getByText(FAILED_HINT).isVisible()).toBe(true);
    expect(await section.getByText('AccessDenied').isVisible()).toBe(true);
    expect(
      await page
        .locator('section', { has: page.locator('h3', { hasText: 'Failures' }) })
        .getByText(FAILED_HINT)
        .isVisible(),
    ).toBe(true);
  });

  it('shows the coverage figures of the fleet, the same in the chart and its table', async () => {
    const { page } = opened;
    const coverage = model.fleet.tagCoverage;
    const fleetCoverage = page.locator('section[aria-labelledby="fleet-heading"] section', {
      has: page.locator('h3', { hasText: 'Required-tag coverage' }),
    });

    const rows = await fleetCoverage
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    const chart = page.getByRole('img', { name: /^Share of ACTIVE accounts carrying each required tag/ });

    expect(rows).toEqual(
      coverage?.keys.map((k) => [displaySafe(k.key), formatCount(k.present), formatCount(k.missing), formatShare(k.share)]),
    );
    expect(rows.map((r) => r[3])).toEqual(['73.0%', '59.5%', '51.4%']);
    // One coverage chart for the fleet and one per succeeded tenant, each an image with its figures as its name.
    expect(await chart.count()).toBe(4);
    expect(await chart.first().getAttribute('aria-labelledby')).toBe('fleet-coverage-title fleet-coverage-desc');
    expect(await page.locator('#fleet-coverage-desc').textContent()).toContain('Owner: 73.0% (27 of 37)');
    expect(await page.getByRole('img', { name: /^Accounts by state/ }).count()).toBe(4);
  });

  it('fits a laptop screen and keeps text contrast at WCAG AA', async () => {
    const { page } = opened;

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    expect(overflow).toBeLessThanOrEqual(0);
    expect(await lowContrastTexts(page)).toEqual([]);
  });

  it('saves screenshots for the screen and for print', async () => {
    const { page } = opened;
    const screen = join(OUTPUT_DIR, 'report.png');
    const print = join(OUTPUT_DIR, 'report-print.png');

    await page.screenshot({ path: screen, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const tocShownInPrint = await page.locator('nav.toc').isVisible();
    await page.screenshot({ path: print, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    expect(statSync(screen).size).toBeGreaterThan(10_000);
    expect(statSync(print).size).toBeGreaterThan(10_000);
    expect(tocShownInPrint).toBe(false);
  });
});

describe('the browser harness', () => {
  it('notices an injected element, the request it makes, and the CSP refusing it (so the checks above can fail)', async () => {
    // Prepare: a page with an injected image, once without the report's CSP and once with it.
    const html = renderRunReport(hostileModel());
    const injected = '<img src="https://elsewhere.invalid/pixel.png" onerror="document.title=\'pwned\'">';
    const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('<main>', `<main>${injected}`);
    const withCsp = html.replace('<main>', `<main>${injected}`);

    // Act
    const open = await openReport(writeReport('harness-no-csp.html', withoutCsp));
    const guarded = await openReport(writeReport('harness-csp.html', withCsp));

    // Assess: without the CSP the request leaves and is caught; with it, the browser refuses it.
    expect(await open.page.locator('img[onerror]').count()).toBe(1);
    expect(open.blocked).toEqual(['https://elsewhere.invalid/pixel.png']);
    expect(guarded.blocked).toEqual([]);
    expect(guarded.errors.join('\n')).toMatch(/Content Security Policy/);
    expect(await guarded.page.title()).toBe('Fleet report · run 20240501T120000Z-7f3a');
    await open.page.close();
    await guarded.page.close();
  });

  it('notices faint text (so the contrast check above can fail)', async () => {
    const { page } = await openReport(writeReport('harness-contrast.html', renderRunReport(hostileModel())));

    // Through the CSSOM: the page's CSP rightly refuses an inline style attribute.
    await page.evaluate(() => {
      const faint = document.createElement('p');
      faint.textContent = 'faint text';
      faint.style.color = '#c0c0c0';
      document.querySelector('main')?.append(faint);
    });

    expect(await lowContrastTexts(page)).toEqual([expect.stringMatching(/^P "faint text" 1\.\d\d:1$/)]);
    await page.close();
  });
});
