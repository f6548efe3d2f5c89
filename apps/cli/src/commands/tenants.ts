import { TenantSourceError, displayName, planRun } from '@orgmeta/core';
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
  const { argv, config, region, logger, display } = context;
  let plan;
  try {
    plan = await planRun(config, { tenantSource: createAwsAdapters(config, region).tenantSource, logger, region, surface: 'cli' });
  } catch (error) {
    if (error instanceof TenantSourceError) {
      logger.error(error.message, { code: error.code, hint: error.hint });
      return EXIT_USAGE;
    }
    throw error;
  }
  const tenants = plan.tenants.map((t) => ({
    tenantId: t.tenantId,
    tenantName: displayName(t),
    roleName: t.roleName ?? (config.roleName || undefined),
    externalIdSet: Boolean(t.externalId ?? config.externalId),
  }));
  const invalidRecords = plan.invalidRecords;
  if (argv.json) {
    context.printJson({ tenants, invalidRecords });
    return EXIT_OK;
  }
  const lines = [
    textTable(
      ['TENANT', 'NAME', 'ROLE', 'EXTERNAL ID'],
      tenants.map((t) => [t.tenantId, t.tenantName, t.roleName ?? '(set --role-name)', t.externalIdSet ? 'set' : 'no']),
      display,
    ),
    `${tenants.length} tenant(s) selected (status "${display(config.tenantStatus)}", service "${display(config.tenantService)}") from ${display(config.tableName)}.`,
  ];
  if (invalidRecords.length > 0) {
    lines.push(
      '',
      `${invalidRecords.length} invalid row(s), skipped:`,
      textTable(
        ['ITEM', 'WHY'],
        invalidRecords.map((r) => [r.key, r.reason]),
        display,
      ),
    );
  }
  context.print(lines.join('\n'));
  return EXIT_OK;
}
