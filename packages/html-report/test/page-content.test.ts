import type { RunReport, RunReportTenant, TagCoverage } from '@orgmeta/core';
import { renderRunReport } from '../src';
import { COLOURS } from '../src/charts';

/**
 * What a person reads on the page, section by section: the words, figures and states the
 * template picks for a model. The text is read with tags removed, as a browser shows it.
 */

/** The page as the text a reader sees: tags dropped, entities decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The HTML of the section whose heading is this text (up to the next heading of the same or a higher level). */
function section(html: string, heading: string): string {
  const start = html.indexOf(`>${heading}</h`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = html.slice(start + heading.length + 4, start + heading.length + 5);
  const rest = html.slice(start + 1);
  const next = rest.search(new RegExp(`<h[1-${level}]\\b`));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The HTML of the n-th tenant's own section (1-based). */
function tenantSection(html: string, n: number): string {
  const start = html.indexOf(` id="tenant-${n}"`);
  if (start < 0) throw new Error(`no tenant section ${n}`);
  const rest = html.slice(start);
  const next = rest.search(/<section class="tenant |<\/main>/);
  return rest.slice(0, next);
}

const COVERAGE: TagCoverage = {
  tenantId: '111111111111',
  requiredTags: ['Owner', 'CostCenter', 'Team'],
  activeAccounts: 10,
  fullyTagged: 6,
  accountsMissing: 4,
  keys: [
    { key: 'Owner', present: 9, missing: 1, share: 0.9 },
    { key: 'CostCenter', present: 6, missing: 4, share: 0.6 },
    { key: 'Team', present: 5, missing: 5, share: 0.5 },
  ],
  accountsMissingTags: [
    { accountId: '200000000001', accountName: 'dev', missingKeys: ['CostCenter', 'Team'] },
    { accountId: '200000000002', accountName: 'test', missingKeys: ['Team'] },
  ],
};

const SUCCEEDED: RunReportTenant = {
  tenantId: '111111111111',
  tenantName: 'Acme',
  status: 'succeeded',
  accounts: 12,
  durationMs: 4_870,
  location: 'org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv',
  accountStates: [
    { state: 'ACTIVE', accounts: 10 },
    { state: 'PENDING_ACTIVATION', accounts: 1 },
    { state: 'WEIRD', accounts: 1 },
  ],
  changes: { status: 'compared', previousRunId: 'r-0', added: 2, removed: 1, modified: 3, total: 9 },
  tagCoverage: COVERAGE,
  failure: null,
};

const FAILURE = { tenantId: '222222222222', tenantName: 'Globex', code: 'AccessDenied', message: 'not allowed', hint: 'Deploy the role.' };

const FAILED: RunReportTenant = {
  tenantId: '222222222222',
  tenantName: 'Globex',
  status: 'failed',
  accounts: 0,
  durationMs: 850,
  accountStates: [],
  changes: { status: 'not-detected' },
  tagCoverage: null,
  failure: FAILURE,
};

const FIRST: RunReportTenant = {
  ...SUCCEEDED,
  tenantId: '333333333333',
  tenantName: 'Initech',
  accounts: 1,
  location: undefined,
  accountStates: [{ state: 'SUSPENDED', accounts: 1 }],
  changes: { status: 'first-snapshot' },
  tagCoverage: {
    ...COVERAGE,
    tenantId: '333333333333',
    activeAccounts: 0,
    fullyTagged: 0,
    accountsMissing: 0,
    keys: [],
    accountsMissingTags: [],
  },
};

function model(overrides: Partial<RunReport> = {}, fleet: Partial<RunReport['fleet']> = {}): RunReport {
  return {
    runId: '20240501T120000Z-7f3a',
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:02:41.250Z',
    durationMs: 161_250,
    fleet: {
      tenants: 3,
      succeeded: 2,
      failed: 1,
      accounts: 1_213,
      accountStates: [
        { state: 'ACTIVE', accounts: 1_210 },
        { state: 'PENDING_CLOSURE', accounts: 1 },
        { state: 'SUSPENDED', accounts: 1 },
        { state: 'CLOSED', accounts: 1 },
      ],
      changes: { tenantsCompared: 1, tenantsFirstSnapshot: 1, added: 2, removed: 1, modified: 3, total: 9 },
      tagCoverage: {
        requiredTags: ['Owner'],
        tenantsMeasured: 2,
        activeAccounts: 10,
        fullyTagged: 6,
        accountsMissing: 4,
        fullyTaggedShare: 0.6,
        keys: [{ key: 'Owner', present: 9, missing: 1, share: 0.9 }],
      },
      ...fleet,
    },
    failures: [FAILURE],
    tenants: [SUCCEEDED, FAILED, FIRST],
    invalidRecords: [{ key: 'pk=x', reason: 'tenant_id is not 12 digits' }],
    ...overrides,
  };
}

describe('the fleet report page', () => {
  const html = renderRunReport(model());

  it('names the run, when it started and how long it took, in the title, header and footer', () => {
    expect(html).toContain('<title>Fleet report · run 20240501T120000Z-7f3a</title>');
    expect(textOf(section(html, 'Fleet report'))).toContain(
      'Fleet report Run 20240501T120000Z-7f3a started 2024-05-01 12:00:00 UTC took 2 min 41 s',
    );
    expect(textOf(html)).toContain(
      "Generated by orgmeta for run 20240501T120000Z-7f3a (2024-05-01 12:00:00 UTC to 2024-05-01 12:02:41 UTC). The run manifest holds the same figures; each tenant's tag-coverage.csv lists every ACTIVE account missing a required tag.",
    );
  });

  it('lists the tenants to jump to, marking the failed one', () => {
    expect(html).toContain(
      '<nav class="toc" aria-label="Tenants"><ul><li><a href="#tenant-1" class="succeeded"><bdi>Acme</bdi></a></li><li><a href="#tenant-2" class="failed"><bdi>Globex</bdi> (failed)</a></li>',
    );
    expect(renderRunReport(model({ tenants: [] }))).not.toContain('<nav');
  });

  it('shows the fleet tiles: tenants, accounts, failures, changes and the share fully tagged', () => {
    expect(textOf(html)).toContain(
      'Tenants 3 2 succeeded, 1 failed Accounts 1,213 1,210 ACTIVE Failed tenants 1 see Failures below Changes 9 +2 added, −1 removed, 3 modified Fully tagged 60.0% 6 of 10 ACTIVE accounts',
    );
    expect(html).toContain('<div class="tile bad"><dt>Failed tenants</dt>');
    const calm = renderRunReport(model({ failures: [] }, { failed: 0, changes: null, tagCoverage: null }));
    expect(textOf(calm)).toContain('Failed tenants 0 every tenant succeeded Changes — not detected in this run');
    expect(calm).toContain('<div class="tile good"><dt>Failed tenants</dt>');
    expect(calm).not.toContain('Fully tagged</dt>');
  });

  it('puts each failure with its code, message and what to do first', () => {
    expect(textOf(section(html, 'Failures'))).toBe(
      'Failures Tenant Error code Message What to do Globex 222222222222 AccessDenied not allowed Deploy the role.',
    );
    expect(textOf(section(renderRunReport(model({ failures: [] })), 'Failures'))).toBe('Failures No tenant failed.');
  });

  it('counts accounts by state with their shares and a total, coloured by state', () => {
    const states = section(html, 'Accounts by state');
    expect(textOf(states)).toContain(
      'State Accounts Share ACTIVE 1,210 99.8% PENDING_CLOSURE 1 0.1% SUSPENDED 1 0.1% CLOSED 1 0.1% All states 1,213 100%',
    );
    expect(states).toContain(`fill="${COLOURS.ok}"`);
    expect(states).toContain(`fill="${COLOURS.warn}"`);
    expect(states).toContain(`fill="${COLOURS.bad}"`);
    expect(states).toContain(`fill="${COLOURS.neutral}"`);
    expect(states).toContain('<desc id="fleet-states-desc">ACTIVE: 1,210 (99.8%); PENDING_CLOSURE: 1 (0.1%)');
    const tenantStates = tenantSection(html, 1);
    expect(tenantStates).toContain(`fill="${COLOURS.info}"`);
    expect(tenantStates).toContain(`fill="${COLOURS.pending}"`);
    const none = renderRunReport(model({}, { accountStates: [] }));
    expect(textOf(section(none, 'Accounts by state'))).toBe('Accounts by state No accounts.');
  });

  it('totals a tenant of no accounts as n/a, not 100%', () => {
    const zero = renderRunReport(model({}, { accountStates: [{ state: 'ACTIVE', accounts: 0 }] }));
    expect(textOf(section(zero, 'Accounts by state'))).toContain('ACTIVE 0 n/a All states 0 n/a');
  });

  it('measures required-tag coverage: the share fully tagged, and per key green from 90%, amber from 60%, red below', () => {
    const coverage = tenantSection(html, 1);
    expect(textOf(coverage)).toContain(
      'Required-tag coverage 60.0% of ACTIVE accounts carry every required tag (6 of 10 accounts); 4 accounts miss at least one.',
    );
    expect(textOf(coverage)).toContain('Required tag Carrying it Missing it Coverage Owner 9 1 90.0% CostCenter 6 4 60.0% Team 5 5 50.0%');
    expect(coverage).toContain(
      `<desc id="tenant-1-coverage-desc">Owner: 90.0% (9 of 10); CostCenter: 60.0% (6 of 10); Team: 50.0% (5 of 10)</desc>`,
    );
    const fills = [...coverage.matchAll(/<figure class="chart"><svg[^>]*aria-labelledby="tenant-1-coverage[\s\S]*?<\/figure>/g)][0][0];
    expect([...fills.matchAll(/fill="(#[0-9a-f]+)"/g)].map((m) => m[1]).filter((c) => c !== COLOURS.track)).toEqual([
      COLOURS.ok,
      COLOURS.warn,
      COLOURS.bad,
    ]);
  });

  it('lists the ACTIVE accounts missing tags, and says when the list is cut', () => {
    // Prepare: the model lists 2 of the 4 accounts missing tags.
    const all = renderRunReport(model({ tenants: [{ ...SUCCEEDED, tagCoverage: { ...COVERAGE, accountsMissing: 2 } }] }));
    // Act
    const cut = textOf(section(html, 'ACTIVE accounts missing required tags'));
    const whole = textOf(section(all, 'ACTIVE accounts missing required tags'));
    // Assess
    expect(cut).toBe(
      'ACTIVE accounts missing required tags The first 2 of 4 accounts, by account ID; tag-coverage.csv lists them all. Account ID Account name Missing tags 200000000001 dev CostCenter , Team 200000000002 test Team',
    );
    expect(whole).toContain(
      'ACTIVE accounts missing required tags Account ID Account name Missing tags 200000000001 dev CostCenter , Team 200000000002 test Team',
    );
    expect(whole).not.toContain('The first');
  });

  it('says when a tenant had no ACTIVE account to measure and nobody misses a tag', () => {
    const initech = textOf(tenantSection(html, 3));
    expect(initech).toContain('Required-tag coverage No ACTIVE accounts to measure.');
    expect(initech).not.toContain('ACTIVE accounts missing required tags');
    expect(initech).toContain('Initech 333333333333 Succeeded 1 account in 4.9 s');
    expect(initech).not.toContain(' · report ');
  });

  it('shows changes since the previous snapshot for the fleet and each tenant', () => {
    expect(textOf(section(html, 'Changes since the previous snapshot'))).toBe(
      'Changes since the previous snapshot 1 tenant compared with their previous snapshot; 1 tenant collected for the first time. Change Count Accounts added 2 Accounts removed 1 Accounts modified 3 Change rows (changes.csv) 9',
    );
    const noneNew = renderRunReport(
      model({}, { changes: { tenantsCompared: 2, tenantsFirstSnapshot: 0, added: 0, removed: 0, modified: 0, total: 0 } }),
    );
    expect(textOf(section(noneNew, 'Changes since the previous snapshot'))).toContain(
      '2 tenants compared with their previous snapshot. Change',
    );
    const off = renderRunReport(model({}, { changes: null }));
    expect(textOf(section(off, 'Changes since the previous snapshot'))).toBe(
      'Changes since the previous snapshot Changes were not detected in this run.',
    );
    const acme = textOf(tenantSection(html, 1));
    expect(acme).toContain(
      'Changes since the previous snapshot Compared with run r-0 . Change Count Accounts added 2 Accounts removed 1 Accounts modified 3 Change rows (changes.csv) 9',
    );
    expect(textOf(tenantSection(html, 3))).toContain(
      'Changes since the previous snapshot First snapshot of this tenant: nothing earlier to compare with.',
    );
    const notDetected = renderRunReport(model({ tenants: [{ ...SUCCEEDED, changes: { status: 'not-detected' } }] }));
    expect(textOf(tenantSection(notDetected, 1))).toContain('Changes since the previous snapshot Changes were not detected in this run.');
  });

  it('has a row per tenant: status, accounts, ACTIVE, changes, fully tagged and duration', () => {
    expect(textOf(section(html, 'Tenants'))).toBe(
      [
        'Tenants Tenant Status Accounts ACTIVE Changes Fully tagged Duration',
        'Acme 111111111111 Succeeded 12 10 9 60.0% 4.9 s',
        'Globex 222222222222 Failed — — — — 850 ms',
        'Initech 333333333333 Succeeded 1 0 first snapshot n/a 4.9 s',
      ].join(' '),
    );
    expect(section(html, 'Tenants')).toContain('<span class="badge failed">Failed</span>');
    expect(section(html, 'Tenants')).toContain('<span class="badge succeeded">Succeeded</span>');
  });

  it('gives each tenant a section: its report location, or its failure and that no report was written', () => {
    expect(html).toContain('<section class="tenant succeeded" id="tenant-1" aria-labelledby="tenant-1-heading"><h3 id="tenant-1-heading">');
    expect(textOf(tenantSection(html, 1))).toContain(
      'Acme 111111111111 Succeeded 12 accounts in 4.9 s · report org-accounts/dt=2024-05-01/tenant_id=111111111111/accounts.csv',
    );
    expect(html).toContain('<section class="tenant failed" id="tenant-2"');
    expect(textOf(tenantSection(html, 2))).toContain(
      'Globex 222222222222 Failed Error code AccessDenied Message not allowed What to do Deploy the role. No report was written for this tenant.',
    );
  });

  it('lists skipped tenant-table items with their reasons, and nothing when there are none', () => {
    expect(textOf(section(html, 'Skipped tenant-table items'))).toBe(
      'Skipped tenant-table items Item Reason pk=x tenant_id is not 12 digits',
    );
    expect(renderRunReport(model({ invalidRecords: [] }))).not.toContain('Skipped tenant-table items');
  });

  it('says when no tenant was selected', () => {
    const empty = renderRunReport(model({ tenants: [], failures: [] }));
    expect(textOf(empty)).toContain('Tenants No tenant was selected in this run. Generated by orgmeta');
    expect(html).not.toContain('No tenant was selected in this run.');
  });
});
