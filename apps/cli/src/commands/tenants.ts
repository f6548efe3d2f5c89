import { TenantSourceError, selectTenants } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import type { CommandContext } from '../cli';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { textTable } from '../text-table';

/** `orgmeta tenants`: what a run would collect, and which rows it would skip. Never shows an ExternalId. */
export async function runTenants(context: CommandContext): Promise<number> {
  const { argv, config, region, logger } = context;
  let records;
  try {
    records = await createAwsAdapters(config, region).tenantSource.readTenantRecords();
  } catch (error) {
    if (error instanceof TenantSourceError) {
      logger.error(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
  const selection = selectTenants(records, { status: config.tenantStatus, service: config.tenantService });
  for (const warning of selection.warnings) logger.warn(warning);
  const tenants = selection.tenants
    .filter((t) => config.tenantIds.length === 0 || config.tenantIds.includes(t.tenantId))
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1))
    .map((t) => ({
      tenantId: t.tenantId,
      tenantName: t.tenantName,
      roleName: t.roleName ?? (config.roleName || undefined),
      externalIdSet: Boolean(t.externalId ?? config.externalId),
    }));
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ tenants, invalidRecords: selection.invalidRecords }, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines = [
    textTable(
      ['TENANT', 'NAME', 'ROLE', 'EXTERNAL ID'],
      tenants.map((t) => [t.tenantId, t.tenantName, t.roleName ?? '(set --role-name)', t.externalIdSet ? 'set' : 'no']),
    ),
    `${tenants.length} tenant(s) selected (status "${config.tenantStatus}", service "${config.tenantService}") from ${config.tableName}.`,
  ];
  if (selection.invalidRecords.length > 0) {
    lines.push('', `${selection.invalidRecords.length} invalid row(s), skipped:`, textTable(['ITEM', 'WHY'], selection.invalidRecords.map((r) => [r.key, r.reason])));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
