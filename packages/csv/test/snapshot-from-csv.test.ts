import {
  SNAPSHOT_FIXED_COLUMNS,
  diffSnapshots,
  snapshotFromReport,
  type AccountWithDetails,
  type Snapshot,
  type TenantReport,
} from '@orgmeta/core';
import fc from 'fast-check';
import { CsvSnapshotError, FIXED_COLUMNS, renderAccountsCsv, snapshotFromCsv, stringifyCsv } from '../src';
import { unescapeFormula } from '../src/snapshot-from-csv';

const TENANT = '111111111111';
const CONTEXT = { tenantId: TENANT, runId: '20240501T120000Z-bbbbbb', collectedAt: '2024-05-01T12:00:00.000Z' };

function accountRow(id: string, overrides: Partial<AccountWithDetails> = {}): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::${TENANT}:account/o-abc/${id}`,
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

function report(accounts: AccountWithDetails[], tagKeys?: string[]): TenantReport {
  return {
    tenant: { tenantId: TENANT, tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: `arn:aws:organizations::${TENANT}:organization/o-abc`,
      managementAccountId: TENANT,
      managementAccountEmail: 'root@acme.example',
    },
    accounts,
    tagKeys: tagKeys ?? [...new Set(accounts.flatMap((a) => [...a.tags.keys()]))].sort(),
    collectedAt: new Date(CONTEXT.collectedAt),
  };
}

function plain(snapshot: Snapshot) {
  return { ...snapshot, accounts: snapshot.accounts.map((a) => ({ fields: a.fields, details: [...a.details], tags: [...a.tags] })) };
}

describe('snapshotFromCsv', () => {
  it('reads back the snapshot of the report the CSV was rendered from', () => {
    // Prepare
    const collected = report([
      accountRow('333333333333', { ouPath: 'Root/Prod', tags: new Map([['Owner', 'ann']]) }),
      accountRow('222222222222', { ouPath: 'Root', joinedTimestamp: undefined, tags: new Map([['CostCenter', 'cc, "1"\nx']]) }),
    ]);
    const csv = renderAccountsCsv(collected, { escapeFormulas: true });
    // Act
    const back = snapshotFromCsv(csv, CONTEXT);
    // Assess
    expect(plain(back)).toEqual(plain(snapshotFromReport(collected, CONTEXT.runId)));
    expect(back.hasOuPaths).toBe(true);
  });

  it('undoes the formula prefix only where the writer added it', () => {
    const name = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', "'", 'a', ',', '"', '＝') });
    fc.assert(
      fc.property(name, name, (accountName, tagValue) => {
        // `'=…` written as is and `=…` escaped look the same; see the next test.
        fc.pre(unescapeFormula(accountName) === accountName && unescapeFormula(tagValue) === tagValue);
        const collected = report([
          accountRow('222222222222', { name: accountName, tags: new Map([['T', tagValue === '' ? 'v' : tagValue]]) }),
        ]);
        const back = snapshotFromCsv(renderAccountsCsv(collected, { escapeFormulas: true }), CONTEXT);
        expect(back.accounts[0]?.fields.account_name).toBe(accountName);
        expect(back.accounts[0]?.tags.get('T')).toBe(tagValue === '' ? 'v' : tagValue);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a value that itself starts with a quote and a formula character without the quote (the file cannot tell)', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', { name: "'=1" })]), { escapeFormulas: true });
    expect(snapshotFromCsv(csv, CONTEXT).accounts[0]?.fields.account_name).toBe('=1');
  });

  it("keeps a value's own leading quote", () => {
    expect(unescapeFormula("'quoted")).toBe("'quoted");
    expect(unescapeFormula("''")).toBe("''");
    expect(unescapeFormula("'=1")).toBe('=1');
    expect(unescapeFormula("'\n")).toBe('\n');
  });

  it('keeps every cell as written when the CSV was written without formula escaping', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', { name: "'=1" })]), { escapeFormulas: false });
    const back = snapshotFromCsv(csv, { ...CONTEXT, formulasEscaped: false });
    expect(back.accounts[0]?.fields.account_name).toBe("'=1");
  });

  it('takes an empty tag cell as an absent tag', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', { tags: new Map([['Owner', 'ann']]) }), accountRow('333333333333')]), {
      escapeFormulas: true,
    });
    const back = snapshotFromCsv(csv, CONTEXT);
    expect([...(back.accounts[1]?.tags ?? [])]).toEqual([]);
    expect([...(back.accounts[0]?.tags ?? [])]).toEqual([['Owner', 'ann']]);
  });

  it('reports a tag that appears after a CSV-only baseline as tag_added, not tag_changed', () => {
    const before = snapshotFromCsv(
      renderAccountsCsv(report([accountRow('222222222222'), accountRow('333333333333', { tags: new Map([['Owner', 'bob']]) })]), {
        escapeFormulas: true,
      }),
      { ...CONTEXT, runId: 'previous' },
    );
    const now = snapshotFromReport(
      report([accountRow('222222222222', { tags: new Map([['Owner', 'ann']]) }), accountRow('333333333333')]),
      'current',
    );
    expect(diffSnapshots(before, now).map((c) => [c.account_id, c.change, c.field, c.before, c.after])).toEqual([
      ['222222222222', 'tag_added', 'tag:Owner', '', 'ann'],
      ['333333333333', 'tag_removed', 'tag:Owner', 'bob', ''],
    ]);
  });

  it('reads the detail columns between collected_at and the tags', () => {
    const header = [...SNAPSHOT_FIXED_COLUMNS, 'ou_id_path', 'parent_id', 'tag:Owner'];
    const cells = (id: string, ouIdPath: string, parent: string, owner: string) =>
      SNAPSHOT_FIXED_COLUMNS.map((c) => (c === 'account_id' ? id : c === 'tenant_id' ? TENANT : c === 'ou_path' ? 'Root/Prod' : '')).concat(
        [ouIdPath, parent, owner],
      );
    const csv = stringifyCsv([header, cells('222222222222', 'r-1/ou-1', 'ou-1', ''), cells('333333333333', '', '', 'ann')]);
    const back = snapshotFromCsv(csv, CONTEXT);
    expect(back.detailColumns).toEqual(['ou_id_path', 'parent_id']);
    expect(back.accounts.map((a) => [[...a.details], [...a.tags]])).toEqual([
      [
        [
          ['ou_id_path', 'r-1/ou-1'],
          ['parent_id', 'ou-1'],
        ],
        [],
      ],
      [
        [
          ['ou_id_path', ''],
          ['parent_id', ''],
        ],
        [['Owner', 'ann']],
      ],
    ]);
  });

  it('has no OU paths when the column is empty, and carries the recorded tag keys it is told about', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', { tags: new Map([['A', '1']]) })], ['A']), { escapeFormulas: true });
    const back = snapshotFromCsv(csv, { ...CONTEXT, recordedTagKeys: ['A'] });
    expect(back.hasOuPaths).toBe(false);
    expect(back.recordedTagKeys).toEqual(['A']);
    expect(back).toMatchObject({ tenantId: TENANT, runId: CONTEXT.runId, collectedAt: CONTEXT.collectedAt, detailColumns: [] });
  });

  it('reads a report with a BOM and CRLF line ends', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222')]), { escapeFormulas: true });
    const back = snapshotFromCsv(`\uFEFF${csv.replace(/\n/g, '\r\n')}`, CONTEXT);
    expect(back.accounts.map((a) => a.fields.account_id)).toEqual(['222222222222']);
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['another header', 'a,b\n1,2\n', "the header does not start with the report's fixed columns"],
    ['ragged rows', `${SNAPSHOT_FIXED_COLUMNS.join(',')}\n1,2\n`, 'not an RFC 4180 CSV'],
  ])('refuses %s', (_what, text, message) => {
    expect(() => snapshotFromCsv(text, CONTEXT)).toThrow(CsvSnapshotError);
    expect(() => snapshotFromCsv(text, CONTEXT)).toThrow(message);
  });

  it("refuses another tenant's report", () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222')]), { escapeFormulas: true });
    expect(() => snapshotFromCsv(csv, { ...CONTEXT, tenantId: '999999999999' })).toThrow(
      new CsvSnapshotError('the file holds tenant 111111111111, not 999999999999'),
    );
  });

  it('has the same fixed columns as core', () => {
    expect([...FIXED_COLUMNS]).toEqual([...SNAPSHOT_FIXED_COLUMNS]);
  });
});
