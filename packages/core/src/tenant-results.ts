import type { FailureDetails } from './errors';
import type { Tenant, TenantResult } from './types';

/** A tenant's summary entry when it produced no report. */
export function failedResult(tenant: Pick<Tenant, 'tenantId' | 'tenantName'>, error: FailureDetails, durationMs = 0): TenantResult {
  return { tenantId: tenant.tenantId, tenantName: tenant.tenantName, status: 'failed', accounts: 0, durationMs, error };
}
