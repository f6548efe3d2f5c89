import { createHash } from 'node:crypto';

/**
 * The page's only stylesheet. A constant (never built from data), so the Content-Security-Policy
 * can allow exactly this text by its hash instead of 'unsafe-inline'. Colours keep a contrast of
 * at least 4.5:1 for text and 3:1 for bars against their background (WCAG 2.2 AA).
 */
export const REPORT_CSS = `
:root {
  color-scheme: light;
  --ink: #1f2328;
  --muted: #59636e;
  --line: #d1d9e0;
  --panel: #f6f8fa;
  --accent: #0550ae;
  --ok: #1a7f37;
  --warn: #9a6700;
  --bad: #cf222e;
  --bad-bg: #ffebe9;
  --track: #e6eaef;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif;
  font-size: 15px;
  line-height: 1.45;
  color: var(--ink);
  background: #ffffff;
}
* { box-sizing: border-box; }
body { margin: 0; }
.page { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
header.page-header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 1.75rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.35rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 24px 0 8px; }
h4 { font-size: 0.95rem; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
p { margin: 4px 0 8px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 0.9em; }
.run-meta { color: var(--muted); margin: 0; }
.run-meta span + span::before { content: '\\00b7'; margin: 0 8px; }
.muted { color: var(--muted); }
nav.toc { margin: 12px 0 0; font-size: 0.9rem; }
nav.toc ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav.toc a { display: inline-block; padding: 2px 10px; border: 1px solid var(--line); border-radius: 999px; color: var(--accent); text-decoration: none; }
nav.toc a.failed { border-color: var(--bad); color: var(--bad); }
nav.toc a:hover, nav.toc a:focus { background: var(--panel); text-decoration: underline; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 8px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 0; }
.tile dt { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.tile dd { margin: 2px 0 0; font-size: 1.8rem; font-weight: 650; line-height: 1.2; }
.tile dd small { display: block; font-size: 0.8rem; font-weight: 400; color: var(--muted); }
.tile.bad { background: var(--bad-bg); border-color: var(--bad); }
.tile.bad dd { color: var(--bad); }
.tile.good dd { color: var(--ok); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px 32px; align-items: start; }
.columns > * { min-width: 0; }
figure.chart { margin: 4px 0 8px; }
figure.chart svg { display: block; width: 100%; max-width: 560px; height: auto; }
svg text { font-family: inherit; font-size: 13px; fill: var(--ink); }
svg .value { font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; font-size: 0.9rem; }
caption { text-align: left; font-size: 0.85rem; color: var(--muted); padding: 0 0 4px; caption-side: top; }
th, td { text-align: left; padding: 5px 10px 5px 0; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
/* Names and messages from AWS or the tenant table may be one long word: let them wrap anywhere. */
bdi, td.text, th.text, .failure dd, code { overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
thead th { white-space: nowrap; font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; white-space: nowrap; font-size: 0.75rem; font-weight: 600; padding: 1px 8px; border-radius: 999px; vertical-align: middle; border: 1px solid currentColor; }
.badge.succeeded { color: var(--ok); }
.badge.failed { color: var(--bad); background: var(--bad-bg); }
section.tenant { border: 1px solid var(--line); border-radius: 10px; padding: 4px 20px 12px; margin: 16px 0; }
section.tenant.failed { border-left: 6px solid var(--bad); }
section.tenant > h3 { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
section.tenant > h3 .tenant-id { font-weight: 400; color: var(--muted); }
.failure { background: var(--bad-bg); border: 1px solid var(--bad); border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.failure dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
.failure dt { font-weight: 600; }
.failure dd { margin: 0; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 0.9rem; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
@media (max-width: 640px) {
  .page { padding: 16px; }
  .columns { grid-template-columns: 1fr; }
}
@media print {
  :root { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3, h4 { break-after: avoid; }
  figure.chart, table, .failure, .tiles { break-inside: avoid; }
  section.tenant { break-inside: avoid-page; }
  .columns { grid-template-columns: 1fr 1fr; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 12mm; }
`;

/** `'sha256-…'` of the stylesheet, for `style-src` in the page's Content-Security-Policy. */
export const REPORT_CSS_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'`;

/**
 * Nothing may be fetched or run: no scripts, fonts, frames, connections or external images;
 * only the one stylesheet above (by hash) and data: images. `base-uri` and `form-action` close
 * the two holes `default-src` leaves open. (A meta policy cannot set frame-ancestors.)
 */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${REPORT_CSS_HASH}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
