import { TenantSourceError, displayName, planRun } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import type { CommandContext } from '../cli';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { textTable } from '../text-table';

/** `orgmeta tenants`: what a run would collect, and which rows it would skip. Never shows an ExternalId. */
export async function runTenants(context: CommandContext): Promise<number> {
  const { argv, config, region, logger } = context;
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
