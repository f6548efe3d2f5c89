import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TagResourceCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { RunSummary } from '@orgmeta/core';
import {
  actAs,
  clientOptions,
  createBucket,
  seedOrganization,
  seedTenantTable,
  tenantItem,
  type CreatedOrganization,
} from '@orgmeta/test-support';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { orgmeta, workDir, motoEndpoint } from './support/e2e';
import { FleetSql } from './support/fleet-sql';

/**
 * The fleet report and the SQL of a real run: two runs against moto (hostile tag values, one
 * failed tenant, required tags), the HTML page opened in Debian's Chromium, and the README's
 * queries run by DuckDB over the run's local Parquet dataset.
 */

const TABLE = 'report-e2e-tenants';
const BUCKET = 'report-e2e-reports';
const HOSTILE_TENANT = '401000000001';
const TIDY_TENANT = '401000000002';
const NO_ORG = '401000000003';
const HOSTILE_NAME = 'Globex <script>document.title="pwned"</script>';
const HOSTILE_TAGS = {
  img: '<img src=x onerror="document.title=1">',
  style: '</style><style>body{display:none}</style>',
  formula: '=HYPERLINK("http://evil.invalid")',
};
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'];
const OUTPUT_DIR = join(__dirname, '..', 'test-output');

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

describe('the fleet report and SQL of a real run (end to end against moto)', () => {
  const endpoint = motoEndpoint();
  let hostile: CreatedOrganization;
  let cwd: string;
  let firstText: string;
  let summary: RunSummary;
  let reportPath: string;

  beforeAll(async () => {
    // Prepare: a tenant with hostile names and tags, a tidy one, one without an organization.
    hostile = await seedOrganization(endpoint, {
      managementAccountId: HOSTILE_TENANT,
      accounts: [
        { name: 'img-tagged', email: 'a@hostile.example', tags: [{ key: 'Owner', value: HOSTILE_TAGS.img }] },
        {
          name: '<b>bold</b>',
          email: 'b@hostile.example',
          tags: [
            { key: 'Owner', value: HOSTILE_TAGS.style },
            { key: 'CostCenter', value: 'cc-1' },
          ],
        },
        { name: 'formula', email: 'c@hostile.example', tags: [{ key: 'Note', value: HOSTILE_TAGS.formula }] },
      ],
    });
    await seedOrganization(endpoint, {
      managementAccountId: TIDY_TENANT,
      accounts: [
        {
          name: 'tidy',
          email: 't@tidy.example',
          tags: [
            { key: 'Owner', value: 'ops' },
            { key: 'CostCenter', value: 'cc-2' },
          ],
        },
      ],
    });
    await seedTenantTable(endpoint, TABLE, [
      tenantItem(HOSTILE_TENANT, { name: HOSTILE_NAME }),
      tenantItem(TIDY_TENANT, { name: 'Tidy' }),
      tenantItem(NO_ORG, { name: 'No Org' }),
    ]);
    await createBucket(endpoint, BUCKET);
    cwd = workDir();
    const args = [
      'collect',
      '--table',
      TABLE,
      '--role-name',
      'R',
      '--bucket',
      BUCKET,
      '--save-local',
      '--out-dir',
      'out',
      '--required-tags',
      'Owner,CostCenter',
    ];

    // Act: a first run (text summary), a change, a second run (JSON summary).
    const first = await orgmeta(args, { cwd });
    firstText = first.stdout;
    const orgs = new OrganizationsClient(clientOptions(endpoint, await actAs(endpoint, HOSTILE_TENANT)));
    const formula = hostile.accounts.find((a) => a.name === 'formula')?.id ?? '';
    await orgs.send(new TagResourceCommand({ ResourceId: formula, Tags: [{ Key: 'CostCenter', Value: 'cc-3' }] }));
    const second = await orgmeta([...args, '--json'], { cwd });
    summary = JSON.parse(second.stdout);
    reportPath = join(cwd, 'out', 'org-accounts', `dt=${today()}`, '_reports', `${summary.runId}.html`);
  }, 240_000);

  it('prints changes and tag coverage per tenant, and the report as a file:// URL', () => {
    const lines = firstText.split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+NAME\s+STATUS\s+ACCOUNTS\s+CHANGES\s+TAG COVERAGE\s+DURATION\s+REPORT \/ ERROR$/);
    // Three ACTIVE accounts and the management account; only the second member carries both tags.
    expect(lines.find((l) => l.startsWith(HOSTILE_TENANT))).toMatch(/succeeded\s+4\s+first snapshot\s+25% \(3 missing\)/);
    expect(lines.find((l) => l.startsWith(TIDY_TENANT))).toMatch(/succeeded\s+2\s+first snapshot\s+50% \(1 missing\)/);
    const url = lines.find((l) => l.startsWith('Report: '))?.slice('Report: '.length) ?? '';
    expect(url).toMatch(/^file:\/\/.+\/_reports\/\d{8}T\d{6}Z-[0-9a-f]+\.html$/);
    expect(existsSync(fileURLToPath(url))).toBe(true);
  });

  it('records tag coverage in the summary and writes tag-coverage.csv beside accounts.csv', () => {
    const tenant = summary.tenants.find((t) => t.tenantId === HOSTILE_TENANT);
    expect(tenant?.tagCoverage).toMatchObject({
      requiredTags: ['Owner', 'CostCenter'],
      activeAccounts: 4,
      fullyTagged: 1,
      accountsMissing: 3,
      keys: [
        { key: 'Owner', present: 2, missing: 2, share: 0.5 },
        { key: 'CostCenter', present: 2, missing: 2, share: 0.5 },
      ],
    });
    const csv = readFileSync(join(cwd, 'out', 'org-accounts', `dt=${today()}`, `tenant_id=${HOSTILE_TENANT}`, 'tag-coverage.csv'), 'utf8');
    const rows: Record<string, string>[] = parse(csv, { columns: true });
    const id = (name: string) => hostile.accounts.find((a) => a.name === name)?.id ?? '';
    expect(rows).toEqual(
      [
        { tenant_id: HOSTILE_TENANT, account_id: HOSTILE_TENANT, account_name: expect.any(String), missing_tags: 'Owner;CostCenter' },
        { tenant_id: HOSTILE_TENANT, account_id: id('img-tagged'), account_name: 'img-tagged', missing_tags: 'CostCenter' },
        { tenant_id: HOSTILE_TENANT, account_id: id('formula'), account_name: 'formula', missing_tags: 'Owner' },
      ].sort((a, b) => (a.account_id < b.account_id ? -1 : 1)),
    );
  });

  describe('the HTML report in Chromium', () => {
    let context: BrowserContext;
    let profile: string;
    let page: Page;
    const requests: string[] = [];
    const errors: string[] = [];

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), 'orgmeta-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1366, height: 850 },
      });
      page = await context.newPage();
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      // Anything but the file itself is recorded and blocked.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file://') ? route.continue() : route.abort('blockedbyclient'),
      );
      await page.goto(`file://${reportPath}`, { waitUntil: 'load' });
      await page.waitForTimeout(300);
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('loads from the file alone: no other request, no console error', () => {
      expect(requests).toEqual([`file://${reportPath}`]);
      expect(errors).toEqual([]);
    });

    it('builds no element from hostile names or tags', async () => {
      expect(await page.locator('script, img, iframe, object, embed, link, form, [onerror], [onload], [onclick]').count()).toBe(0);
      expect(await page.locator('main').textContent()).toContain(HOSTILE_NAME);
      expect(await page.title()).toBe(`Fleet report · run ${summary.runId}`);
      expect(await page.locator('style').count()).toBe(1);
      expect(await page.locator('h1').isVisible()).toBe(true);
    });

    it('names every tenant, with the accounts, changes and coverage of the run', async () => {
      const headings = await page.locator('section.tenant > h3 bdi').allTextContents();
      expect(headings.sort()).toEqual([HOSTILE_NAME, 'No Org', 'Tidy'].sort());
      const tiles = await page
        .locator('.tile')
        .evaluateAll((all) =>
          all.map((tile) => [tile.querySelector('dt')?.textContent, tile.querySelector('dd')?.firstChild?.textContent]),
        );
      expect(tiles).toEqual([
        ['Tenants', '3'],
        ['Accounts', '6'],
        ['Failed tenants', '1'],
        ['Changes', '1'],
        ['Fully tagged', expect.stringMatching(/^(33\.3|40\.0)%$/)],
      ]);
    });

    it("shows the failed tenant's code and hint", async () => {
      const failed = summary.tenants.find((t) => t.tenantId === NO_ORG);
      const section = page.locator('section.tenant.failed');
      expect(await section.count()).toBe(1);
      expect(await section.getByText('AWSOrganizationsNotInUseException').first().isVisible()).toBe(true);
      expect(
        await section
          .getByText(failed?.error?.hint ?? 'no hint')
          .first()
          .isVisible(),
      ).toBe(true);
    });

    it('saves a screenshot of the page', async () => {
      mkdirSync(OUTPUT_DIR, { recursive: true });
      const file = join(OUTPUT_DIR, 'run-report.png');
      await page.screenshot({ path: file, fullPage: true });
      expect(statSync(file).size).toBeGreaterThan(10_000);
    });
  });

  describe("the README's SQL, run by DuckDB over the run's local dataset", () => {
    let sql: FleetSql;

    beforeAll(async () => {
      const root = join(cwd, 'out', 'org-accounts');
      // Every Parquet file of the local folder, `dt` (and `tenant_id`, also in the files) from its path.
      const dataset = (name: string) =>
        `SELECT * FROM read_parquet('${root}/dt=*/tenant_id=*/${name}.parquet', hive_partitioning = true, hive_types = {'dt': VARCHAR, 'tenant_id': VARCHAR})`;
      sql = await FleetSql.open({ accounts: dataset('accounts'), changes: dataset('changes') });
    });

    afterAll(() => sql?.close());

    const run = (name: string) => sql.run(name);

    it('lists the accounts of every tenant today', async () => {
      const rows = await run('accounts-today');
      expect(rows.map((r) => r.tenant_id)).toEqual([
        HOSTILE_TENANT,
        HOSTILE_TENANT,
        HOSTILE_TENANT,
        HOSTILE_TENANT,
        TIDY_TENANT,
        TIDY_TENANT,
      ]);
      expect(rows.find((r) => r.account_name === '<b>bold</b>')).toMatchObject({ account_state: 'ACTIVE' });
    });

    it('lists the changes of the last 7 days', async () => {
      const rows = await run('changes-last-7-days');
      const formula = hostile.accounts.find((a) => a.name === 'formula')?.id;
      expect(rows).toEqual([
        expect.objectContaining({
          dt: today(),
          tenant_id: HOSTILE_TENANT,
          account_id: formula,
          change: 'tag_added',
          field: 'tag:CostCenter',
          before: null,
          after: 'cc-3',
        }),
      ]);
    });

    it('lists the active accounts missing a given tag', async () => {
      const rows = await run('active-missing-tag');
      const id = (name: string) => hostile.accounts.find((a) => a.name === name)?.id ?? '';
      // The tidy tenant's management account carries no tags at all.
      expect(rows.map((r) => r.account_id)).toEqual([...[HOSTILE_TENANT, id('img-tagged')].sort(), TIDY_TENANT]);
    });
  });
});
