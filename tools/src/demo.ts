/**
 * `npm run demo`: the main job on the embedded local default. Starts moto, seeds a
 * few sample tenants, runs `orgmeta collect` against it with local saving, and
 * prints where the reports are.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  changeOrganization,
  createBucket,
  emulatorEnvironment,
  seedOrganization,
  seedTenantTable,
  startMotoServer,
  tenantItem,
} from '@orgmeta/test-support';
import { orgmetaExecutable } from './orgmeta-cli';

// The seeding harness is not the product: keep the SDK's Node.js version notice out of the demo's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TABLE = 'orgmeta-demo-tenants';
const BUCKET = 'orgmeta-demo-reports';
const OUT_DIR = resolve(process.cwd(), 'reports');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

async function main(): Promise<number> {
  const moto = await startMotoServer();
  try {
    console.log(`moto server (local AWS emulator) at ${moto.endpoint}`);
    const acme = await seedOrganization(moto.endpoint, {
      managementAccountId: '111111111111',
      accounts: [
        {
          name: 'acme-prod',
          email: 'aws-prod@acme.example',
          ouPath: 'Workloads/Prod',
          tags: [
            { key: 'CostCenter', value: 'CC-100' },
            { key: 'Owner', value: 'Platform, Core' },
          ],
        },
        {
          name: 'acme-dev',
          email: 'aws-dev@acme.example',
          ouPath: 'Workloads/Dev',
          tags: [
            { key: 'CostCenter', value: 'CC-200' },
            { key: 'Owner', value: 'Jörg "JJ" Müller' },
          ],
        },
        { name: 'acme-security', email: 'aws-sec@acme.example', ouPath: 'Security', tags: [{ key: 'CostCenter', value: '=SUM(A1:A9)' }] },
      ],
    });
    await seedOrganization(moto.endpoint, {
      managementAccountId: '222222222222',
      accounts: [
        { name: 'globex-shared', email: 'shared@globex.example', tags: [{ key: 'Environment', value: 'shared' }] },
        { name: 'globex-data', email: 'data@globex.example', tags: [{ key: 'Environment', value: 'prod' }] },
      ],
    });
    await seedTenantTable(moto.endpoint, TABLE, [
      tenantItem('111111111111', { name: 'Acme Corp' }),
      tenantItem('222222222222', { name: 'Globex' }),
      tenantItem('333333333333', { name: 'Initech (churned)', status: 'inactive' }),
    ]);
    await createBucket(moto.endpoint, BUCKET);
    console.log(`seeded table ${TABLE} (2 active tenants, 1 inactive) and bucket ${BUCKET}\n`);

    const env = { ...process.env, ...emulatorEnvironment(moto.endpoint) };
    const orgmeta = (args: string[]): number => {
      console.log(`$ orgmeta ${args.join(' ')}`);
      return spawnSync(orgmetaExecutable(), args, { stdio: 'inherit', env }).status ?? 1;
    };
    const collect = [
      'collect',
      '--table',
      TABLE,
      '--role-name',
      'OrgMetaReader',
      '--bucket',
      BUCKET,
      '--save-local',
      '--out-dir',
      OUT_DIR,
      '--ou-path',
      '--required-tags',
      'CostCenter,Owner',
    ];
    orgmeta(collect);

    // Something changes in Acme's organization between two runs.
    const id = (name: string) => acme.accounts.find((a) => a.name === name)?.id ?? '';
    await changeOrganization(moto.endpoint, '111111111111', {
      tag: { accountId: id('acme-dev'), tags: [{ key: 'Owner', value: 'Platform, Core' }] },
    });
    await changeOrganization(moto.endpoint, '111111111111', { untag: { accountId: id('acme-prod'), keys: ['CostCenter'] } });
    await changeOrganization(moto.endpoint, '111111111111', {
      create: { name: 'acme-sandbox', email: 'aws-sandbox@acme.example', tags: [{ key: 'Owner', value: 'Dana' }] },
    });
    console.log('\nchanged in the emulator: acme-dev re-tagged, acme-prod lost its CostCenter, acme-sandbox created\n');
    const run = orgmeta(collect);

    console.log('\nWhat changed since the previous run:');
    orgmeta(['changes', '--bucket', BUCKET]);
    const reports = listFiles(OUT_DIR).filter((f) => f.includes('dt='));
    console.log(`\nLocal outputs (also uploaded to s3://${BUCKET} in the emulator):`);
    for (const file of reports) console.log(`  ${relative(process.cwd(), file)}`);
    return run;
  } finally {
    await moto.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
