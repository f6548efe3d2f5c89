import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@orgmeta/core';
import {
  createBucket,
  seedOrganization,
  seedTenantTable,
  startFaultProxy,
  tenantItem,
  type FaultProxy,
  type FaultRule,
} from '@orgmeta/test-support';
import { filesUnder, getText, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'quoted-e2e-tenants';
const BUCKET = 'quoted-e2e-reports';
const ROLE = 'OrgMetaReader';
const HEALTHY = '108000000001';
const BAD_EXTERNAL_ID = '108000000002';
const QUOTED_TENANT = '108000000003';
const QUOTED_RUN_WIDE = '108000000004';

const SECRETS = {
  healthy: 'healthy-tenant-ext-11aa',
  // Not a valid ExternalId (spaces, !): STS would refuse it and quote it back.
  malformed: 'bad external id 22bb!',
  quotedTenant: 'quoted-tenant-ext-33cc',
  runWide: 'quoted-run-wide-44dd',
};

/** STS's answer to an ExternalId it does not like: it quotes the value back. */
function quotesBack(externalId: string): FaultRule {
  return {
    when: (c) => c.operation === 'AssumeRole' && new URLSearchParams(c.body).get('ExternalId') === externalId,
    respond: {
      kind: 'error',
      status: 400,
      code: 'ValidationError',
      message: `1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*`,
    },
  };
}

function expectNoSecret(outputs: readonly string[]): void {
  for (const output of outputs) {
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  }
}

describe('ExternalIds never appear in any output, even when AWS quotes them back (end to end)', () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, { managementAccountId: HEALTHY, accounts: [{ name: 'member', email: 'm@example.com' }] });
    await seedTenantTable(endpoint, TABLE, [
      tenantItem(HEALTHY, { externalId: SECRETS.healthy }),
      tenantItem(BAD_EXTERNAL_ID, { externalId: SECRETS.malformed }),
      tenantItem(QUOTED_TENANT, { externalId: SECRETS.quotedTenant }),
      tenantItem(QUOTED_RUN_WIDE),
    ]);
    await createBucket(endpoint, BUCKET);
    proxy = await startFaultProxy({ target: endpoint, rules: [quotesBack(SECRETS.quotedTenant), quotesBack(SECRETS.runWide)] });
  });
  afterAll(() => proxy.stop());

  it.each([
    ['text', 'quoted-text', []],
    ['json', 'quoted-json', ['--json']],
  ])(
    'collect --log-format %s: not on stdout or stderr, in the local or the S3 manifest, nor in any report',
    async (format, prefix, extra) => {
      // Prepare
      const dir = workDir();
      // Act
      const run = await orgmeta(
        [
          'collect',
          '--table',
          TABLE,
          '--role-name',
          ROLE,
          '--external-id',
          SECRETS.runWide,
          '--bucket',
          BUCKET,
          '--prefix',
          prefix,
          '--save-local',
          '--out-dir',
          'out',
          '--log-format',
          format,
          '--verbose',
          ...extra,
        ],
        { cwd: dir, endpoint: proxy.endpoint },
      );
      // Assess
      expect(run.code).toBe(2);
      const s3Keys = (await listKeys(BUCKET)).filter((k) => k.startsWith(`${prefix}/`));
      const s3Objects = await Promise.all(s3Keys.map((k) => getText(BUCKET, k)));
      const localFiles = filesUnder(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
      expect(s3Keys.filter((k) => k.includes('/_manifests/'))).toHaveLength(1);
      // accounts.csv, accounts.parquet, the snapshot pointer, the manifest and the HTML run report: every one is checked.
      expect(localFiles).toHaveLength(5);
      expectNoSecret([run.stdout, run.stderr, ...s3Objects, ...localFiles]);

      const manifest: RunSummary = JSON.parse(s3Objects[s3Keys.findIndex((k) => k.includes('/_manifests/'))]);
      const error = (tenantId: string) => manifest.tenants.find((t) => t.tenantId === tenantId)?.error;
      expect(error(QUOTED_TENANT)).toMatchObject({
        code: 'ValidationError',
        message: expect.stringContaining("Value '***' at 'externalId'"),
      });
      expect(error(QUOTED_RUN_WIDE)).toMatchObject({
        code: 'ValidationError',
        message: expect.stringContaining("Value '***' at 'externalId'"),
      });
      expect(manifest.invalidRecords).toEqual([
        {
          key: 'pk=item-0002',
          reason: 'attribute external_id is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-); the value is not shown',
        },
      ]);
      expect(manifest.tenants.map((t) => [t.tenantId, t.status])).toEqual([
        [HEALTHY, 'succeeded'],
        [QUOTED_TENANT, 'failed'],
        [QUOTED_RUN_WIDE, 'failed'],
      ]);
      if (extra.includes('--json')) expect(JSON.parse(run.stdout)).toEqual(manifest);
    },
  );

  it.each([[[]], [['--json']]])('check %j: the quoted ExternalIds are masked in its table and JSON', async (extra) => {
    const run = await orgmeta(['check', '--table', TABLE, '--role-name', ROLE, '--external-id', SECRETS.runWide, '--no-upload', ...extra], {
      endpoint: proxy.endpoint,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Value '***' at 'externalId'");
    expectNoSecret([run.stdout, run.stderr]);
  });
});
