import type { Change } from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import { renderChangesCsv } from '../src';

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

describe('renderChangesCsv', () => {
  it('writes the header in the contract order and one row per change, LF line ends', () => {
    // Prepare
    const changes = [
      change({ account_id: '222222222222', change: 'account_added' }),
      change({ account_id: '333333333333', change: 'renamed', field: 'account_name', before: 'Old', after: 'name-333333333333' }),
    ];
    // Act
    const csv = renderChangesCsv(changes, { escapeFormulas: true });
    // Assess
    expect(csv).toBe(
      [
        'tenant_id,account_id,account_name,change,field,before,after,previous_run_id,run_id,detected_at',
        '111111111111,222222222222,name-222222222222,account_added,,,,20240430T120000Z-aaaaaa,20240501T120000Z-bbbbbb,2024-05-01T12:00:00.000Z',
        '111111111111,333333333333,name-333333333333,renamed,account_name,Old,name-333333333333,20240430T120000Z-aaaaaa,20240501T120000Z-bbbbbb,2024-05-01T12:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('writes only the header when nothing changed', () => {
    expect(renderChangesCsv([], { escapeFormulas: true })).toBe(
      'tenant_id,account_id,account_name,change,field,before,after,previous_run_id,run_id,detected_at\n',
    );
  });

  it('escapes formulas in every data cell, as the accounts report does', () => {
    const csv = renderChangesCsv(
      [
        change({
          account_id: '222222222222',
          change: 'tag_changed',
          account_name: '=HYPERLINK("x")',
          field: 'tag:+k',
          before: '-1',
          after: '@me',
        }),
      ],
      { escapeFormulas: true },
    );
    const [, row] = parse(csv) as string[][];
    expect(row?.slice(2, 7)).toEqual(['\'=HYPERLINK("x")', 'tag_changed', 'tag:+k', "'-1", "'@me"]);
  });

  it('leaves formulas alone with escaping off, and quotes commas, quotes, newlines and a lone CR', () => {
    const csv = renderChangesCsv(
      [
        change({ account_id: '222222222222', change: 'tag_changed', field: 'tag:Note', before: 'a,"b"\nc', after: 'x\ry' }),
        change({ account_id: '333333333333', change: 'renamed', field: 'account_name', before: '=1', after: 'ok' }),
      ],
      { escapeFormulas: false },
    );
    expect(csv).toContain('"a,""b""\nc","x\ry"');
    const rows = parse(csv) as string[][];
    expect(rows.map((r) => [r[5], r[6]])).toEqual([
      ['before', 'after'],
      ['a,"b"\nc', 'x\ry'],
      ['=1', 'ok'],
    ]);
  });
});
