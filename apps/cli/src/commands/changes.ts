import { findChanges, partitionDate, type ChangesQuery, type Change, type ObjectLister, type ObjectReader } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import { changesFromCsv } from '@orgmeta/csv';
import type { CommandContext } from '../cli';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { LocalObjectReader } from '../local-object-reader';
import { textTable } from '../text-table';

/** `orgmeta changes`: the change rows of the latest run of each tenant (or `--run-id`, `--since`), from S3 or the output folder. */
export async function runChanges(context: CommandContext): Promise<number> {
  const { argv, config, region, logger } = context;
  const runId = typeof argv['run-id'] === 'string' ? argv['run-id'] : undefined;
  const since = typeof argv.since === 'string' ? argv.since : undefined;
  if (runId && since) {
    process.stderr.write('orgmeta: --run-id and --since cannot be combined; choose one.\n');
    return EXIT_USAGE;
  }
  const query: ChangesQuery = runId
    ? { kind: 'run', runId }
    : since
      ? { kind: 'since', since, until: partitionDate(new Date()) }
      : { kind: 'latest' };
  const store: ObjectReader & ObjectLister =
    (config.upload && createAwsAdapters(config, region).s3Reader) || new LocalObjectReader(config.localOutputDir);
  let found;
  try {
    found = await findChanges(store, config.prefix, query, config.tenantIds, changesFromCsv);
  } catch (error) {
    if (error instanceof RangeError) {
      process.stderr.write(`orgmeta: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  for (const warning of found.warnings) logger.warn(warning);
  if (argv.json) {
    process.stdout.write(`${JSON.stringify({ changes: found.changes, sources: found.sources }, null, 2)}\n`);
    return EXIT_OK;
  }
  process.stdout.write(`${changesTable(found.changes)}\n`);
  return EXIT_OK;
}

/** One line per change row; the run in the last column. */
export function changesTable(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No changes.';
  const tenants = new Set(changes.map((c) => c.tenant_id)).size;
  return [
    textTable(
      ['TENANT', 'ACCOUNT', 'NAME', 'CHANGE', 'FIELD', 'BEFORE', 'AFTER', 'RUN'],
      changes.map((c) => [c.tenant_id, c.account_id, c.account_name, c.change, c.field, c.before, c.after, c.run_id]),
    ),
    `${changes.length} change(s) in ${tenants} tenant(s).`,
  ].join('\n');
}
