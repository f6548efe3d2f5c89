import { TenantSourceError, planRun } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import type { CommandContext, CommandDefinition } from '../command';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { SELECTION_FLAGS } from '../flags';
import { textTable } from '../text-table';

export const tenantsCommand: CommandDefinition = {
  name: 'tenants',
  description: 'List the tenants a run would collect, and the table rows it would skip',
  flags: SELECTION_FLAGS,
  examples: [
    { command: '$0 tenants --table tenants', description: 'Table of the selected tenants and the invalid rows' },
    { command: '$0 tenants --table tenants --tenant-status onboarding --json', description: 'Another status, as JSON' },
  ],
  // Listing assumes no role and writes nothing.
  requirements: { roleName: false, bucket: false },
  run: runTenants,
};

/** `orgmeta tenants`: what a run would collect, and which rows it would skip. Never shows an ExternalId. */
export async function runTenants(context: CommandContext): Promise<number> {
  const { argv, config, region, logger } = context;
  let plan;
  try {
    plan = await planRun(config, { tenantSource: createAwsAdapters(config, region).tenantSource, logger });
  } catch (error) {
    if (error instanceof TenantSourceError) {
      logger.error(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
  const tenants = plan.tenants.map((t) => ({
    tenantId: t.tenantId,
    tenantName: t.tenantName,
    roleName: t.roleName ?? (config.roleName || undefined),
    externalIdSet: Boolean(t.externalId ?? config.externalId),
  }));
  const invalidRecords = plan.invalidRecords;
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ tenants, invalidRecords }, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines = [
    textTable(
      ['TENANT', 'NAME', 'ROLE', 'EXTERNAL ID'],
      tenants.map((t) => [t.tenantId, t.tenantName, t.roleName ?? '(set --role-name)', t.externalIdSet ? 'set' : 'no']),
    ),
    `${tenants.length} tenant(s) selected (status "${config.tenantStatus}", service "${config.tenantService}") from ${config.tableName}.`,
  ];
  if (invalidRecords.length > 0) {
    lines.push(
      '',
      `${invalidRecords.length} invalid row(s), skipped:`,
      textTable(
        ['ITEM', 'WHY'],
        invalidRecords.map((r) => [r.key, r.reason]),
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
