import { displaySafe, type RunSummary, type TenantResult } from '@orgmeta/core';
import { MAX_TEXT_LENGTH, type Display } from './output';
import { textTable } from './text-table';

/** `+1 -0 ~2 (5 rows)`, `first snapshot`, or empty when changes were not detected for that tenant. */
export function changesCell(t: TenantResult): string {
  if (t.changes === undefined) return '';
  if (t.changes === null) return 'first snapshot';
  return `+${t.changes.added} -${t.changes.removed} ~${t.changes.modified} (${t.changes.total} rows)`;
}

/** `67% (1 missing)`: ACTIVE accounts carrying every required tag, and how many miss one. */
export function coverageCell(t: TenantResult): string {
  const c = t.tagCoverage;
  if (!c) return '';
  if (c.activeAccounts === 0) return 'no ACTIVE account';
  return `${Math.floor((c.fullyTagged / c.activeAccounts) * 100)}% (${c.accountsMissing} missing)`;
}

export interface SummaryLocations {
  readonly bucketName?: string;
  readonly manifest?: string;
  /** The run's HTML report, as a `file://` URL when it was saved locally, else its S3 URL. */
  readonly report?: string;
}

/** The run for people; `--json` gives the same data for scripts. Every value from the table or AWS goes through `display`. */
export function formatSummary(summary: RunSummary, where: SummaryLocations, display: Display = displaySafe): string {
  const withChanges = summary.tenants.some((t) => t.changes !== undefined);
  const withCoverage = summary.tenants.some((t) => t.tagCoverage !== undefined);
  const table = textTable(
    [
      'TENANT',
      'NAME',
      'STATUS',
      'ACCOUNTS',
      ...(withChanges ? ['CHANGES'] : []),
      ...(withCoverage ? ['TAG COVERAGE'] : []),
      'DURATION',
      'REPORT / ERROR',
    ],
    summary.tenants.map((t) => [
      t.tenantId,
      t.tenantName,
      t.status,
      String(t.accounts),
      ...(withChanges ? [changesCell(t)] : []),
      ...(withCoverage ? [coverageCell(t)] : []),
      `${(t.durationMs / 1000).toFixed(1)}s`,
      t.status === 'succeeded'
        ? t.s3Key
          ? `s3://${where.bucketName}/${t.s3Key}`
          : (t.localPath ?? '')
        : `${t.error?.code}: ${t.error?.message}`,
    ]),
    display,
  );
  const out = [table];
  for (const t of summary.tenants) {
    if (t.error) out.push(`  ${display(t.tenantId)} fix: ${display(t.error.hint, MAX_TEXT_LENGTH)}`);
  }
  for (const r of summary.invalidRecords) out.push(`Skipped item ${display(r.key)}: ${display(r.reason, MAX_TEXT_LENGTH)}`);
  const { totals } = summary;
  const changes = totals.changes === undefined ? '' : `, ${totals.changes} change(s)`;
  out.push(
    `${totals.succeeded}/${totals.tenants} tenant(s) succeeded, ${totals.failed} failed, ${totals.accounts} account(s)${changes}. Run ${summary.runId}.`,
  );
  if (summary.eventsError) out.push(`Change events: ${display(summary.eventsError, MAX_TEXT_LENGTH)}`);
  if (where.manifest) out.push(`Manifest: ${display(where.manifest)}`);
  if (where.report) out.push(`Report: ${display(where.report, MAX_TEXT_LENGTH)}`);
  return out.join('\n');
}
