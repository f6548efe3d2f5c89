import type { RunReport } from '@orgmeta/core';
import { renderToString } from 'preact-render-to-string';
import { ReportPage } from './page';

/**
 * The run report as one self-contained HTML page: no script, no external style, font or image,
 * a Content-Security-Policy that lets nothing be fetched, and every model value escaped.
 * Pure: the same model gives the same bytes. Store it as `RUN_REPORT_CONTENT_TYPE` at `runReportKey(…)` (core).
 */
export function renderRunReport(model: RunReport): string {
  return `<!DOCTYPE html>\n${renderToString(<ReportPage model={model} />)}\n`;
}
