import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  emulatorEnvironment,
  motoEndpoint,
  seedOrganization,
  seedTenantTable,
  tenantItem,
  type CreatedOrganization,
} from '@orgmeta/test-support';
import { consumerProject, outsiderEnvironment, packLibraries, packedManifest, type PackedLibrary } from '../src';

const REPO = resolve(__dirname, '../../..');
const LIBRARIES = ['packages/core', 'packages/aws-adapters', 'packages/csv', 'packages/parquet'];
const EXAMPLE = join(REPO, 'examples/custom-sink');
// The workspace's own compiler, by path: the consumer project installs no TypeScript.
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

// Management account IDs 125… are this test file's (each e2e file seeds its own range).
const TENANT = '125000000001';
const OTHER_TENANT = '125000000002';
const TABLE = 'library-consumer-tenants';

interface ExampleOutput {
  readonly result: { readonly tenantId: string; readonly status: string; readonly accounts: number; readonly localPath?: string };
  readonly objects: { readonly key: string; readonly contentType: string; readonly bytes: number }[];
  readonly csvHeader: string;
  readonly accounts: { accountId: string; name: string; email: string; state: string; tags: Record<string, string> }[];
}

describe('the packed packages, used from a project outside the workspace', () => {
  let workDir: string;
  let project: string;
  let packed: PackedLibrary[];
  let org: CreatedOrganization;

  beforeAll(async () => {
    // Prepare: the tarballs, and a project in the OS temp folder (no workspace node_modules above it) that installs them.
    workDir = mkdtempSync(join(tmpdir(), 'orgmeta-library-test-'));
    project = join(workDir, 'project');
    packed = packLibraries(REPO, LIBRARIES, join(workDir, 'packs'));
    consumerProject(EXAMPLE, project, packed);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], {
      cwd: project,
      env: outsiderEnvironment(),
      stdio: 'pipe',
    });
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, env: outsiderEnvironment(), stdio: 'pipe' });

    org = await seedOrganization(motoEndpoint(), {
      managementAccountId: TENANT,
      accounts: [
        { name: 'payments-prod', email: 'payments-prod@library.example', tags: [{ key: 'CostCenter', value: 'cc-42' }] },
        { name: 'data-dev', email: 'data-dev@library.example' },
      ],
    });
    await seedOrganization(motoEndpoint(), {
      managementAccountId: OTHER_TENANT,
      accounts: [{ name: 'other', email: 'other@library.example' }],
    });
    await seedTenantTable(motoEndpoint(), TABLE, [tenantItem(TENANT, { name: 'Library Consumer' }), tenantItem(OTHER_TENANT)]);
  }, 110_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('packs each package with its compiled JS, declarations, LICENSE and README, and no sources or tests', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@orgmeta/aws-adapters', '@orgmeta/core', '@orgmeta/csv', '@orgmeta/parquet']);
    for (const lib of packed) {
      expect(lib.files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'LICENSE', 'README.md', 'package.json']));
      expect(lib.files.filter((f) => !/^lib\/.+\.(js|d\.ts)$/.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f))).toEqual(
        [],
      );
    }
  });

  it('publishes manifests with an exports map, a license, a repository and caret ranges on the other packages', () => {
    for (const lib of packed) {
      const manifest = packedManifest(lib.tarball);
      expect(manifest).toMatchObject({
        main: 'lib/index.js',
        types: 'lib/index.d.ts',
        exports: { '.': { types: './lib/index.d.ts', default: './lib/index.js' } },
        license: 'Apache-2.0',
        repository: { type: 'git' },
      });
      expect(manifest.private).toBeUndefined();
      const workspaceDeps = Object.entries((manifest.dependencies ?? {}) as Record<string, string>).filter(([name]) =>
        name.startsWith('@orgmeta/'),
      );
      for (const [, range] of workspaceDeps) expect(range).toBe(`^${lib.version}`);
    }
  });

  it('resolves every package inside the consumer project, never in the workspace', () => {
    for (const lib of packed) {
      const where = execFileSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(lib.name)})`], {
        cwd: project,
        env: outsiderEnvironment(),
        encoding: 'utf8',
      }).trim();
      expect(where.startsWith(join(project, 'node_modules') + '/')).toBe(true);
      expect(existsSync(where)).toBe(true);
    }
  });

  it('collects one tenant with the AWS adapters into the custom in-memory ReportSink', () => {
    // Act: the compiled example, as its README runs it.
    const stdout = execFileSync(process.execPath, ['lib/main.js', TENANT], {
      cwd: project,
      encoding: 'utf8',
      // Its log lines (stderr) appear in the error if it fails.
      stdio: 'pipe',
      env: outsiderEnvironment({
        ...emulatorEnvironment(motoEndpoint()),
        TENANTS_TABLE_NAME: TABLE,
        CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
    });
    const output = JSON.parse(stdout) as ExampleOutput;

    // Assess: the tenant's accounts (its management account too), as AWS holds them, in the sink's objects.
    const expected = [
      { accountId: TENANT, name: expect.any(String), email: org.managementAccountEmail, state: 'ACTIVE', tags: {} },
      ...org.accounts.map((a) => ({
        accountId: a.id,
        name: a.name,
        email: a.email,
        state: 'ACTIVE',
        tags: Object.fromEntries((a.tags ?? []).map((t) => [t.key, t.value])),
      })),
    ].sort((a, b) => a.accountId.localeCompare(b.accountId));
    expect(output.result).toMatchObject({ tenantId: TENANT, status: 'succeeded', accounts: 3 });
    expect(output.accounts).toEqual(expected);
    const prefix = `org-accounts/dt=`;
    const keys = output.objects.map((o) => o.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${prefix}\\d{4}-\\d{2}-\\d{2}/tenant_id=${TENANT}/accounts\\.csv$`)),
        expect.stringMatching(new RegExp(`^${prefix}\\d{4}-\\d{2}-\\d{2}/tenant_id=${TENANT}/accounts\\.parquet$`)),
      ]),
    );
    expect(keys.some((k) => k.includes(OTHER_TENANT))).toBe(false);
    expect(output.objects.find((o) => o.key.endsWith('accounts.parquet'))?.contentType).toBe('application/vnd.apache.parquet');
    expect(output.csvHeader.split(',').slice(0, 3)).toEqual(['tenant_id', 'tenant_name', 'organization_id']);
    expect(output.result.localPath).toMatch(/^memory:.*accounts\.csv$/);
  });
});
