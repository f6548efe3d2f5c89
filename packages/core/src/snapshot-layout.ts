import { partitionDate } from './report-layout';

/** Keys and content types of the Part 2 objects written beside each tenant's `accounts.csv`. */

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';
export const CHANGES_CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The objects a succeeded tenant can get beside its `accounts.csv`. */
export type TenantObjectName = 'accounts.csv' | 'accounts.parquet' | 'changes.csv' | 'changes.parquet';

/** `<prefix>dt=<YYYY-MM-DD>/tenant_id=<id>/<name>`: the same folder as the tenant's `accounts.csv`. */
export function tenantObjectKey(prefix: string, startedAt: Date, tenantId: string, name: TenantObjectName): string {
  return `${prefix}dt=${partitionDate(startedAt)}/tenant_id=${tenantId}/${name}`;
}
