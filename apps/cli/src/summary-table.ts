import { displaySafe, type RunSummary } from '@orgmeta/core';
import { MAX_TEXT_LENGTH, type Display } from './output';
import { textTable } from './text-table';

/** The run for people; `--json` gives the same data for scripts. Every value from the table or AWS goes through `display`. */
export function formatSummary(
  summary: RunSummary,
  where: { readonly bucketName?: string; readonly manifest?: string },
  display: Display = displaySafe,
): string {
  const table = textTable(
    ['TENANT', 'NAME', 'STATUS', 'ACCOUNTS', 'DURATION', 'REPORT / ERROR'],
    summary.tenants.map((t) => [
      t.tenantId,
      t.tenantName,
      t.status,
      String(t.accounts),
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
  out.push(
    `${totals.succeeded}/${totals.tenants} tenant(s) succeeded, ${totals.failed} failed, ${totals.accounts} account(s). Run ${summary.runId}.`,
  );
  if (where.manifest) out.push(`Manifest: ${display(where.manifest)}`);
  return out.join('\n');
}
