import type { Change, TagCoverage } from '@orgmeta/core';
import { CsvSnapshotError, changesFromCsv, csvOutputs, renderChangesCsv } from '../src';

// `orgmeta changes` reads changes.csv back with changesFromCsv: what the writer wrote must come back.

const HEADER = 'tenant_id,account_id,account_name,change,field,before,after,previous_run_id,run_id,detected_at';

function change(fields: Partial<Change> & Pick<Change, 'account_id' | 'change'>): Change {
  return {
    tenant_id: '111111111111',
    account_name: `name-${fields.account_id}`,
    field: '',
    before: '',
    after: '',
    previous_run_id: '20240430T120000Z-aaaaaa',
    run_id: '20240501T120000Z-bbbbbb',
    detected_at: '2024-05-01T12:00:00.000Z',
    ...fields,
  };
}

describe('changesFromCsv', () => {
  it('reads back every row the writer wrote, formula escaping undone', () => {
    const changes = [
      change({ account_id: '222222222222', change: 'account_added' }),
      change({ account_id: '333333333333', change: 'renamed', field: 'account_name', before: '=HYPERLINK("x")', after: '+1 Ops' }),
      change({ account_id: '444444444444', change: 'tag_changed', field: 'Owner', before: 'a, "b"', after: '' }),
    ];
    expect(changesFromCsv(renderChangesCsv(changes, { escapeFormulas: true }))).toEqual(changes);
  });

  it('reads a header-only file as no changes, a byte-order mark and blank lines aside', () => {
    expect(changesFromCsv(`\uFEFF${HEADER}\n\n`)).toEqual([]);
  });

  it('refuses a row with cells missing rather than read them as empty', () => {
    expect(() => changesFromCsv(`${HEADER}\n111111111111,222222222222,Web,account_added\n`)).toThrow('Invalid Record Length');
  });

  it.each([
    ['an empty file', ''],
    ['another header', 'tenant_id,account_id\n1,2\n'],
    ['the columns in another order', `${HEADER.replace('before,after', 'after,before')}\n`],
  ])('refuses %s: it is not a changes.csv', (_what, text) => {
    expect(() => changesFromCsv(text)).toThrow(new CsvSnapshotError('not a changes.csv: its header differs'));
    expect(() => changesFromCsv(text)).toThrow(CsvSnapshotError);
  });

  it('refuses a change kind it does not know, naming it', () => {
    const text = `${HEADER}\n111111111111,222222222222,Web,account_exploded,,,,r1,r2,2024-05-01T12:00:00.000Z\n`;
    expect(() => changesFromCsv(text)).toThrow('unknown change kind "account_exploded"');
  });
});

describe('csvOutputs', () => {
  it('renders changes and tag coverage with the escaping it was given', () => {
    const hostile = [change({ account_id: '222222222222', change: 'renamed', field: 'account_name', before: '=1', after: 'b' })];
    const coverage: TagCoverage = {
      tenantId: '111111111111',
      requiredTags: ['Owner'],
      activeAccounts: 1,
      fullyTagged: 0,
      keys: [],
      accountsMissing: 1,
      accountsMissingTags: [{ accountId: '222222222222', accountName: '@admin', missingKeys: ['Owner'] }],
    };
    expect(csvOutputs({ escapeFormulas: true }).renderChanges(hostile)).toContain(",'=1,");
    expect(csvOutputs({ escapeFormulas: false }).renderChanges(hostile)).toContain(',=1,');
    expect(csvOutputs({ escapeFormulas: true }).renderTagCoverage(coverage)).toContain(",'@admin,");
    expect(csvOutputs({ escapeFormulas: false }).renderTagCoverage(coverage)).toContain(',@admin,');
  });
});
