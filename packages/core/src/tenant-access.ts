import { partitionForRegion, roleArn, roleSessionName } from './aws-names';
import type { CollectConfig } from './config';
import type { FailureDetails } from './errors';
import type { FailureContext } from './failures';
import type { TenantAccess } from './ports';
import type { Tenant, TenantResult } from './types';

/** How a tenant is reached: its role (per-tenant name, else the configured one, in the region's partition) and ExternalId. */
export function tenantAccess(tenant: Tenant, config: CollectConfig, region: string, runId: string): TenantAccess {
  return {
    tenantId: tenant.tenantId,
    roleArn: roleArn(partitionForRegion(region), tenant.tenantId, tenant.roleName ?? config.roleName),
    roleSessionName: roleSessionName(runId),
    externalId: tenant.externalId ?? config.externalId,
  };
}

/** What remediation hints need to know about where a tenant's collection runs. */
export function failureContextFor(config: CollectConfig, tenantId = '', tenantRoleArn = ''): FailureContext {
  return { roleArn: tenantRoleArn, tenantId, bucketName: config.bucketName, prefix: config.prefix, maxAttempts: config.maxAttempts };
}

/** A tenant's summary entry when it produced no report. */
export function failedResult(tenant: Pick<Tenant, 'tenantId' | 'tenantName'>, error: FailureDetails, durationMs = 0): TenantResult {
  return { tenantId: tenant.tenantId, tenantName: tenant.tenantName, status: 'failed', accounts: 0, durationMs, error };
}
