import { runPreflight } from '@orgmeta/core';
import { createAwsAdapters } from '@orgmeta/aws-adapters';
import { withBucketOwner } from '../bucket-owner';
import type { CommandContext, CommandDefinition } from '../command';
import { EXIT_OK, EXIT_TENANT_FAILED } from '../exit-codes';
import { DETAIL_FLAGS, SELECTION_FLAGS } from '../flags';
import { MAX_TEXT_LENGTH } from '../output';
import { LocalFileRunLockStore } from '../local-run-lock-store';
import { textTable } from '../text-table';

export const checkCommand: CommandDefinition = {
  name: 'check',
  description: 'Preflight: try every permission a run needs, per tenant, and say how to fix what fails',
  flags: [
    ...SELECTION_FLAGS,
    'require-external-id',
    'bucket',
    'prefix',
    'expected-bucket-owner',
    'any-bucket-owner',
    'kms-key-id',
    'upload',
    'tenant-concurrency',
    'max-attempts',
    'org-rps',
    'session-duration',
    // check tries each detail flag in use (trusted access, permissions) per tenant.
    ...DETAIL_FLAGS,
  ],
  examples: [
    { command: '$0 check --table tenants --role-name OrgMetaReader --bucket my-reports', description: 'PASS/FAIL table with fixes' },
    { command: '$0 check --tenant 111122223333 --json', description: 'One new tenant, as JSON' },
    { command: '$0 check --contacts --regions', description: 'Also whether each tenant allows the Account Management columns' },
  ],
  requirements: { roleName: true, bucket: true },
  writesTo: (config) =>
    config.upload && config.bucketName
      ? `Its write probe object may remain under s3://${config.bucketName}/${config.prefix}_orgmeta-check/.`
      : undefined,
  run: runCheck,
};

/** `orgmeta check`: PASS/FAIL per permission and tenant, with a concrete fix for every FAIL. */
export async function runCheck(context: CommandContext): Promise<number> {
  const { argv, region, logger, display } = context;
  // One GetCallerIdentity answers both the default bucket owner and the principal check shows.
  const { identity } = createAwsAdapters(context.config, region);
  const config = await withBucketOwner(context.config, identity);
  const aws = createAwsAdapters(config, region);
  const report = await runPreflight(config, {
    tenantSource: aws.tenantSource,
    organizations: aws.organizations,
    writeProbe: aws.s3Sink,
    runLockStore: aws.runLockStore ?? new LocalFileRunLockStore(config.localOutputDir),
    identity,
    logger,
    region,
    surface: 'cli',
    secrets: context.secrets,
  });
  if (argv.json) {
    context.printJson(report);
  } else {
    const lines = [
      `Collector principal: ${display(report.collectorPrincipal ?? 'unknown (sts:GetCallerIdentity failed)')}`,
      textTable(
        ['SCOPE', 'CHECK', 'RESULT', 'DETAIL'],
        report.results.map((r) => [r.scope, r.check, r.status, r.code ? `${r.code}: ${r.detail}` : r.detail]),
        display,
      ),
    ];
    const fixes = report.results.filter((r) => r.hint && r.status !== 'PASS');
    if (fixes.length > 0)
      lines.push(
        '',
        'How to fix:',
        ...fixes.map((r) => `  ${display(r.scope)} ${display(r.check)}: ${display(r.hint ?? '', MAX_TEXT_LENGTH)}`),
      );
    const failed = report.results.filter((r) => r.status === 'FAIL').length;
    lines.push('', report.passed ? 'All checks passed.' : `${failed} check(s) failed.`);
    context.print(lines.join('\n'));
  }
  return report.passed ? EXIT_OK : EXIT_TENANT_FAILED;
}
