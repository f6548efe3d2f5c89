import type { AccountWithDetails, TenantReport } from '@orgmeta/core';
import { limitAccountsMissing, tagCoverage } from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import { renderTagCoverageCsv } from '../src';
import { TAG_COVERAGE_COLUMNS } from '../src/tag-coverage-csv';

function account(id: string, name: string, state: string, tags: Record<string, string>): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name,
    email: `${id}@example.com`,
    state,
    joinedMethod: 'CREATED',
    tags: new Map(Object.entries(tags)),
    ouPath: '',
  };
}

function report(accounts: AccountWithDetails[]): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@acme.example',
    },
    accounts,
    tagKeys: [],
    collectedAt: new Date('2024-05-01T12:00:00.000Z'),
  };
}

const REQUIRED = ['Owner', 'CostCenter', 'Env'];

describe('renderTagCoverageCsv', () => {
  it('writes one row per ACTIVE account missing tags, sorted by account, keys `;`-separated in required order', () => {
    // Prepare
    const coverage = tagCoverage(
      report([
        account('444444444444', 'Data', 'ACTIVE', { Env: 'prod' }),
        account('222222222222', 'Web', 'ACTIVE', { Owner: 'a', CostCenter: 'cc', Env: ' ' }),
        account('333333333333', 'Tagged', 'ACTIVE', { Owner: 'a', CostCenter: 'cc', Env: 'dev' }),
        account('555555555555', 'Gone', 'SUSPENDED', {}),
      ]),
      REQUIRED,
    );

    // Act
    const csv = renderTagCoverageCsv(coverage, { escapeFormulas: true });

    // Assess
    expect(csv).toBe(
      [
        'tenant_id,account_id,account_name,missing_tags',
        '111111111111,222222222222,Web,Env',
        '111111111111,444444444444,Data,Owner;CostCenter',
        '',
      ].join('\n'),
    );
  });

  it('sorts rows by account ID whatever order the coverage lists them in, leaving the coverage as it was', () => {
    const missing = ['333333333333', '111111111111', '555555555555', '222222222222', '444444444444'].map((accountId) => ({
      accountId,
      accountName: `n${accountId.slice(0, 1)}`,
      missingKeys: ['Owner'],
    }));
    const coverage = { ...tagCoverage(report([]), ['Owner']), accountsMissing: missing.length, accountsMissingTags: missing };
    for (const listed of [missing, [...missing].reverse()]) {
      const csv = renderTagCoverageCsv({ ...coverage, accountsMissingTags: listed }, { escapeFormulas: true });
      expect(
        csv
          .split('\n')
          .slice(1, -1)
          .map((line) => line.split(',')[1]),
      ).toEqual(['111111111111', '222222222222', '333333333333', '444444444444', '555555555555']);
    }
    expect(missing.map((m) => m.accountId)).toEqual(['333333333333', '111111111111', '555555555555', '222222222222', '444444444444']);
  });

  it('writes only the header when every ACTIVE account is fully tagged', () => {
    const coverage = tagCoverage(report([account('222222222222', 'Web', 'ACTIVE', { Owner: 'a' })]), ['Owner']);

    expect(renderTagCoverageCsv(coverage, { escapeFormulas: true })).toBe(`${TAG_COVERAGE_COLUMNS.join(',')}\n`);
  });

  it('quotes and formula-escapes hostile names like the accounts report, and round-trips through a parser', () => {
    const names = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tTab', '\rCR', '\nLF', 'comma, "quote"\nnewline', 'Ünïcødé ✓'];
    const accounts = names.map((name, i) => account(String(200000000000 + i), name, 'ACTIVE', {}));
    const coverage = tagCoverage(report(accounts), ['Owner']);

    const rows: string[][] = parse(renderTagCoverageCsv(coverage, { escapeFormulas: true }));

    expect(rows[0]).toEqual([...TAG_COVERAGE_COLUMNS]);
    expect(rows.slice(1).map((r) => r[2])).toEqual([
      `'=HYPERLINK("http://x","y")`,
      `'+1`,
      `'-2`,
      `'@SUM(A1)`,
      `'\tTab`,
      `'\rCR`,
      `'\nLF`,
      'comma, "quote"\nnewline',
      'Ünïcødé ✓',
    ]);
    expect(rows.slice(1).every((r) => r.length === 4)).toBe(true);
  });

  it('escapes a missing_tags cell that starts like a formula, and leaves cells alone when escaping is off', () => {
    const coverage = tagCoverage(report([account('222222222222', '=Name', 'ACTIVE', {})]), ['=Key', 'Owner']);

    const escaped: string[][] = parse(renderTagCoverageCsv(coverage, { escapeFormulas: true }));
    const raw: string[][] = parse(renderTagCoverageCsv(coverage, { escapeFormulas: false }));

    expect(escaped[1]).toEqual(['111111111111', '222222222222', "'=Name", "'=Key;Owner"]);
    expect(raw[1]).toEqual(['111111111111', '222222222222', '=Name', '=Key;Owner']);
  });

  it('refuses a coverage whose account list was cut, rather than write an incomplete file', () => {
    const coverage = tagCoverage(report([account('222222222222', 'A', 'ACTIVE', {}), account('333333333333', 'B', 'ACTIVE', {})]), [
      'Owner',
    ]);

    expect(() => renderTagCoverageCsv(limitAccountsMissing(coverage, 1), { escapeFormulas: true })).toThrow(/got 1 of 2/);
  });
});
