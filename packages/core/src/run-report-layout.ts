import { partitionDate, reportKey } from './report-layout';

/** Keys (and local relative paths) of the fleet report and the tag-coverage file (SPEC Part 2). */

export const RUN_REPORT_CONTENT_TYPE = 'text/html; charset=utf-8';

/** `<prefix>dt=<date>/_reports/<runId>.html`, beside the run's `_manifests/`. */
export function runReportKey(prefix: string, startedAt: Date, runId: string): string {
  return `${prefix}dt=${partitionDate(startedAt)}/_reports/${runId}.html`;
}

/** `tag-coverage.csv` beside the tenant's `accounts.csv`. */
export function tagCoverageKey(prefix: string, startedAt: Date, tenantId: string): string {
  const accounts = reportKey(prefix, startedAt, tenantId);
  return `${accounts.slice(0, accounts.lastIndexOf('/') + 1)}tag-coverage.csv`;
}
