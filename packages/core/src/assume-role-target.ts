import { partitionForRegion, roleArn, roleSessionName } from './aws-names';
import type { CollectConfig } from './config';
import type { AssumeRoleTarget } from './ports';
import type { Tenant } from './types';

/** How a tenant is reached: its role (per-tenant name, else the configured one, in the region's partition) and ExternalId. */
export function assumeRoleTargetFor(tenant: Tenant, config: CollectConfig, region: string, runId: string): AssumeRoleTarget {
  return {
    tenantId: tenant.tenantId,
    roleArn: roleArn(partitionForRegion(region), tenant.tenantId, tenant.roleName ?? config.roleName),
    roleSessionName: roleSessionName(runId),
    externalId: tenant.externalId ?? config.externalId,
  };
}
