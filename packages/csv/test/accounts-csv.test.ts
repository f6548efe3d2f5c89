import type { AccountWithDetails, TenantReport } from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { FIXED_COLUMNS, REPORT_COLUMNS, renderAccountsCsv } from '../src';
import { escapeFormula, reportColumns } from '../src/accounts-csv';

const COLLECTED_AT = new Date('2024-05-01T12:00:00.000Z');

function accountRow(id: string, overrides: Partial<AccountWithDetails> = {}): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name: `name-${id}`,
    email: `${id}@example.com`,
    state: 'ACTIVE',
    joinedMethod: 'INVITED',
    joinedTimestamp: new Date('2023-01-02T03:04:05.678Z'),
    tags: new Map(),
    ouPath: '',
    ...overrides,
  };
}

function report(accounts: AccountWithDetails[], tagKeys: string[] = []): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@acme.example',
    },
    accounts,
    tagKeys,
    collectedAt: COLLECTED_AT,
  };
}

function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, bom: false });
}

describe('renderAccountsCsv', () => {
  it('writes the header in the contract order, then tag columns', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222')], ['CostCenter', 'Owner']), { escapeFormulas: true });
    expect(csv.split('\n')[0]).toBe(
      'tenant_id,tenant_name,organization_id,organization_arn,management_account_id,management_account_email,account_id,account_arn,account_name,account_email,account_state,joined_method,joined_timestamp,ou_path,collected_at,tag:CostCenter,tag:Owner',
    );
  });

  it('declares each column once, header and cell together, and derives the header lists from it', () => {
    const headers = REPORT_COLUMNS.map((c) => c.header);
    expect(new Set(headers).size).toBe(headers.length);
    expect(FIXED_COLUMNS).toEqual(headers);
    expect(reportColumns(['Owner'])).toEqual([...headers, 'tag:Owner']);
    const row = report([accountRow('222222222222', { tags: new Map([['Owner', 'ops']]) })], ['Owner']);
    const [, cells] = parseCsv(renderAccountsCsv(row, { escapeFormulas: false }));
    expect(cells).toEqual(REPORT_COLUMNS.map((c) => c.cell(row, row.accounts[0])).concat('ops'));
  });

  it('writes one row per account with ISO timestamps and LF line ends', () => {
    const tags = new Map([['Owner', 'team-a']]);
    const csv = renderAccountsCsv(report([accountRow('222222222222', { tags, ouPath: 'Root/Prod' })], ['Owner']), { escapeFormulas: true });
    expect(csv).not.toContain('\r');
    expect(csv.endsWith('\n')).toBe(true);
    const [, row] = parseCsv(csv);
    expect(Object.fromEntries([...FIXED_COLUMNS, 'tag:Owner'].map((c, i) => [c, row[i]]))).toEqual({
      tenant_id: '111111111111',
      tenant_name: 'Acme',
      organization_id: 'o-abc',
      organization_arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      management_account_id: '111111111111',
      management_account_email: 'root@acme.example',
      account_id: '222222222222',
      account_arn: 'arn:aws:organizations::111111111111:account/o-abc/222222222222',
      account_name: 'name-222222222222',
      account_email: '222222222222@example.com',
      account_state: 'ACTIVE',
      joined_method: 'INVITED',
      joined_timestamp: '2023-01-02T03:04:05.678Z',
      ou_path: 'Root/Prod',
      collected_at: '2024-05-01T12:00:00.000Z',
      'tag:Owner': 'team-a',
    });
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx', '＝1', '＋1', '－1', '＠x'])(
    'prefixes a cell starting with %j',
    (value) => {
      expect(escapeFormula(value)).toBe(`'${value}`);
    },
  );

  it('leaves cells alone when escaping is off', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', { name: '=HYPERLINK("x")' })]), { escapeFormulas: false });
    expect(parseCsv(csv)[1][8]).toBe('=HYPERLINK("x")');
  });

  it('gives byte-identical output for the same accounts and run time', () => {
    const accounts = [accountRow('222222222222', { tags: new Map([['a', 'x,y']]) }), accountRow('333333333333')];
    expect(renderAccountsCsv(report(accounts, ['a']), { escapeFormulas: true })).toBe(
      renderAccountsCsv(report(accounts, ['a']), { escapeFormulas: true }),
    );
  });

  it('round-trips any hostile text through an RFC 4180 parser (after the documented quote prefix)', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.constantFrom('', ',', '"', '""', '\r\n', '\r', '\n', ' lead', 'trail ', '=cmd|', '＠x', '\t'),
      fc
        .tuple(
          fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠', '"', ','),
          fc.string({ unit: 'grapheme', maxLength: 256 }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, fc.boolean(), (name, email, tagKey, tagValue, escapeFormulas) => {
        const tags = new Map([[tagKey, tagValue]]);
        const csv = renderAccountsCsv(report([accountRow('222222222222', { name, email, tags })], [tagKey]), { escapeFormulas });
        const rows = parseCsv(csv);
        const expected = (v: string) => (escapeFormulas ? escapeFormula(v) : v);
        expect(rows).toHaveLength(2);
        expect(rows[0][15]).toBe(`tag:${tagKey}`);
        expect(rows[1][8]).toBe(expected(name));
        expect(rows[1][9]).toBe(expected(email));
        expect(rows[1][15]).toBe(expected(tagValue));
      }),
      { numRuns: 300 },
    );
  });
});
