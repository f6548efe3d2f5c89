import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBucket, seedOrganization, seedTenantTable, tenantItem } from '@orgmeta/test-support';
import { filesUnder, getText, listKeys, motoEndpoint, orgmeta, workDir } from './support/e2e';

const TABLE = 'secrets-e2e-tenants';
const BUCKET = 'secrets-e2e-reports';
const TENANT = '104000000001';
const NO_ORG = '104000000002';

const SECRETS = {
  CROSS_ACCOUNT_EXTERNAL_ID: 'run-wide-external-id-5f2c9a',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789',
};
const TENANT_EXTERNAL_ID = 'tenant-external-id-77aa01';
const ALL_SECRETS = [...Object.values(SECRETS), TENANT_EXTERNAL_ID];

describe('secrets never appear in any output (end to end)', () => {
  beforeAll(async () => {
    await seedOrganization(motoEndpoint(), { managementAccountId: TENANT, accounts: [{ name: 'member', email: 'm@example.com' }] });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT, { externalId: TENANT_EXTERNAL_ID }), tenantItem(NO_ORG)]);
    await createBucket(motoEndpoint(), BUCKET);
  });

  it.each([
    ['text', 'secrets-text'],
    ['json', 'secrets-json'],
  ])(
    'keeps ExternalIds and keys out of stdout, stderr, the manifest and the reports (--log-format %s --verbose)',
    async (format, prefix) => {
      // Prepare
      const dir = workDir();
      // Act: one tenant succeeds, one fails, so error paths are logged too.
      const run = await orgmeta(
        [
          'collect',
          '--table',
          TABLE,
          '--role-name',
          'R',
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
          '--json',
        ],
        { cwd: dir, env: SECRETS },
      );
      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(TENANT);
      const written = await Promise.all((await listKeys(BUCKET)).filter((k) => k.startsWith(`${prefix}/`)).map((k) => getText(BUCKET, k)));
      const local = filesUnder(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
      // accounts.csv, accounts.parquet, its SQL table manifest, the snapshot pointer, the manifest and the HTML run report:
      // every one is checked.
      expect(written.length).toBe(6);
      for (const output of [run.stdout, run.stderr, ...written, ...local]) {
        for (const secret of ALL_SECRETS) expect(output).not.toContain(secret);
      }
      if (format === 'json') {
        for (const line of run.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      }
    },
  );
});
