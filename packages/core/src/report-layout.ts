/** S3 keys (and the matching local relative paths) of a run's outputs. */

export const REPORT_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const MANIFEST_CONTENT_TYPE = 'application/json';

/** `dt` partition value: the run's start date in UTC. */
export function partitionDate(startedAt: Date): string {
  return startedAt.toISOString().slice(0, 10);
}

/** The S3 key (or local path below the output folder) of a tenant's `accounts.csv`. */
export function reportKey(prefix: string, startedAt: Date, tenantId: string): string {
  return `${prefix}dt=${partitionDate(startedAt)}/tenant_id=${tenantId}/accounts.csv`;
}

/** The S3 key (or local path below the output folder) of a run's manifest. */
export function manifestKey(prefix: string, startedAt: Date, runId: string): string {
  return `${prefix}dt=${partitionDate(startedAt)}/_manifests/${runId}.json`;
}
