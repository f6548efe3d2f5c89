import type { FailureDetails } from './errors';
import { displaySafe } from './redaction';
import type { Tenant, TenantResult } from './types';

/**
 * A tenant's name as summaries, manifests and tables show it: the table's value made display-safe
 * (one line, cut), so one hostile row cannot forge a log line or bloat every manifest. The report keeps it whole.
 */
export function displayName(tenant: Pick<Tenant, 'tenantName'>): string {
  return displaySafe(tenant.tenantName);
}

/** A tenant's summary entry when it produced no report. */
export function failedResult(tenant: Pick<Tenant, 'tenantId' | 'tenantName'>, error: FailureDetails, durationMs = 0): TenantResult {
  return { tenantId: tenant.tenantId, tenantName: displayName(tenant), status: 'failed', accounts: 0, durationMs, error };
}
