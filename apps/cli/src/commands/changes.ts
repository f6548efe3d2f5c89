import { findChanges, partitionDate, type ChangesQuery, type Change, type ObjectLister, type ObjectReader } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import { changesFromCsv } from '@orgmeta/csv';
import type { CommandContext, CommandDefinition } from '../command';
import type { Display } from '../output';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { LocalObjectReader } from '../local-object-reader';
import { textTable } from '../text-table';

export const changesCommand: CommandDefinition = {
  name: 'changes',
  description: 'List the account changes of the latest run of each tenant (or of one run, or since a date), from S3 or the output folder',
  flags: ['bucket', 'prefix', 'expected-bucket-owner', 'upload', 'out-dir', 'tenant', 'max-attempts'],
  options: {
    'run-id': { type: 'string', describe: 'The changes of this run (its ID, from the summary)' },
    since: { type: 'string', describe: 'Every change detected from this UTC date (YYYY-MM-DD) to today' },
  },
  examples: [
    { command: '$0 changes --bucket my-reports', description: 'The latest changes of every tenant' },
    { command: '$0 changes --no-upload --out-dir reports --since 2024-05-01 --json', description: 'From the local output folder, as JSON' },
  ],
  // Reads only the output store: no tenant table, no role.
  requirements: { roleName: false, bucket: true, table: false },
  run: runChanges,
};

/** `orgmeta changes`: the change rows of the latest run of each tenant (or `--run-id`, `--since`), from S3 or the output folder. */
export async function runChanges(context: CommandContext): Promise<number> {
  const { argv, config, region, logger, display } = context;
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
    context.printJson({ changes: found.changes, sources: found.sources });
    return EXIT_OK;
  }
  context.print(changesTable(found.changes, display));
  return EXIT_OK;
}

/** One line per change row; the run in the last column. */
export function changesTable(changes: readonly Change[], display: Display): string {
  if (changes.length === 0) return 'No changes.';
  const tenants = new Set(changes.map((c) => c.tenant_id)).size;
  return [
    textTable(
      ['TENANT', 'ACCOUNT', 'NAME', 'CHANGE', 'FIELD', 'BEFORE', 'AFTER', 'RUN'],
      changes.map((c) => [c.tenant_id, c.account_id, c.account_name, c.change, c.field, c.before, c.after, c.run_id]),
      display,
    ),
    `${changes.length} change(s) in ${tenants} tenant(s).`,
  ].join('\n');
}
