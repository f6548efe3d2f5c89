import { CHANGE_COLUMNS, changeEvents, diffSnapshots, type Change, type ChangeKind } from '../src';
import { changeCounts, changeEventDetail } from '../src/changes';
import { CURRENT_RUN, DETECTED_AT, PREVIOUS_RUN, current, previous } from './snapshot-builders';

/** A change row as diffSnapshots must give it for the builders' tenant and runs. */
function row(accountId: string, accountName: string, change: ChangeKind, field = '', before = '', after = ''): Change {
  return {
    tenant_id: '111111111111',
    account_id: accountId,
    account_name: accountName,
    change,
    field,
    before,
    after,
    previous_run_id: PREVIOUS_RUN,
    run_id: CURRENT_RUN,
    detected_at: DETECTED_AT,
  };
}

describe('diffSnapshots', () => {
  it('finds nothing between two snapshots of the same accounts', () => {
    // Prepare
    const accounts = [{ id: '222222222222', tags: { Env: 'prod' }, details: { parent_id: 'ou-1' } }];
    // Act
    const changes = diffSnapshots(
      previous({ accounts, detailColumns: ['parent_id'] }),
      current({ accounts, detailColumns: ['parent_id'] }),
    );
    // Assess
    expect(changes).toEqual([]);
  });

  it('reports an account in this snapshot but not the previous as account_added, with empty field, before and after', () => {
    const changes = diffSnapshots(previous({ accounts: [] }), current({ accounts: [{ id: '222222222222', tags: { Env: 'prod' } }] }));
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'account_added')]);
  });

  it('reports an account only in the previous snapshot as account_removed, under its previous name', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', fields: { account_name: 'Old Sandbox' } }] }),
      current({ accounts: [] }),
    );
    expect(changes).toEqual([row('222222222222', 'Old Sandbox', 'account_removed')]);
  });

  it('reports a different account_state as state_changed with the old and new state', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222' }] }),
      current({ accounts: [{ id: '222222222222', fields: { account_state: 'SUSPENDED' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'state_changed', 'account_state', 'ACTIVE', 'SUSPENDED')]);
  });

  it('reports a different account_name as renamed, and names the account by its current name', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', fields: { account_name: 'Dev' } }] }),
      current({ accounts: [{ id: '222222222222', fields: { account_name: 'Development' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'Development', 'renamed', 'account_name', 'Dev', 'Development')]);
  });

  it('reports a different account_email as email_changed', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', fields: { account_email: 'a@x.test' } }] }),
      current({ accounts: [{ id: '222222222222', fields: { account_email: 'b@x.test' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'email_changed', 'account_email', 'a@x.test', 'b@x.test')]);
  });

  it('reports a different ou_path as moved when both snapshots have OU paths', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', fields: { ou_path: 'Root/Sandbox' } }] }),
      current({ accounts: [{ id: '222222222222', fields: { ou_path: 'Root/Workloads/Prod' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'moved', 'ou_path', 'Root/Sandbox', 'Root/Workloads/Prod')]);
  });

  it.each([
    ['the previous snapshot', false, true],
    ['this snapshot', true, false],
  ])('reports no move when %s has no OU paths', (_which, previousHas, currentHas) => {
    const changes = diffSnapshots(
      previous({ hasOuPaths: previousHas, accounts: [{ id: '222222222222', fields: { ou_path: previousHas ? 'Root/Sandbox' : '' } }] }),
      current({ hasOuPaths: currentHas, accounts: [{ id: '222222222222', fields: { ou_path: currentHas ? 'Root/Prod' : '' } }] }),
    );
    expect(changes).toEqual([]);
  });

  it('reports a tag key that appears as tag_added with an empty before', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222' }] }),
      current({ accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-42' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'tag_added', 'tag:CostCenter', '', 'cc-42')]);
  });

  it('reports a tag key that disappears as tag_removed with an empty after', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-42' } }] }),
      current({ accounts: [{ id: '222222222222' }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'tag_removed', 'tag:CostCenter', 'cc-42', '')]);
  });

  it('reports a tag whose value changes as tag_changed, an empty value being a value', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-42', Owner: 'ann' } }] }),
      current({ accounts: [{ id: '222222222222', tags: { CostCenter: 'cc-43', Owner: '' } }] }),
    );
    expect(changes).toEqual([
      row('222222222222', 'name-222222222222', 'tag_changed', 'tag:CostCenter', 'cc-42', 'cc-43'),
      row('222222222222', 'name-222222222222', 'tag_changed', 'tag:Owner', 'ann', ''),
    ]);
  });

  it('compares only the tag keys a baseline recorded when it did not record every tag', () => {
    // A CSV-only baseline written with --tag-keys Env: it says nothing about CostCenter.
    const changes = diffSnapshots(
      previous({ recordedTagKeys: ['Env'], accounts: [{ id: '222222222222', tags: { Env: 'dev' } }] }),
      current({ accounts: [{ id: '222222222222', tags: { Env: 'prod', CostCenter: 'cc-42' } }] }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'tag_changed', 'tag:Env', 'dev', 'prod')]);
  });

  it('reports a detail column that differs as detail_changed when both snapshots have it', () => {
    const changes = diffSnapshots(
      previous({ detailColumns: ['delegated_services'], accounts: [{ id: '222222222222', details: { delegated_services: '' } }] }),
      current({
        detailColumns: ['delegated_services'],
        accounts: [{ id: '222222222222', details: { delegated_services: 'config.amazonaws.com' } }],
      }),
    );
    expect(changes).toEqual([row('222222222222', 'name-222222222222', 'detail_changed', 'delegated_services', '', 'config.amazonaws.com')]);
  });

  it('reports no detail_changed for a column only one snapshot has', () => {
    const changes = diffSnapshots(
      previous({ detailColumns: ['enabled_regions'], accounts: [{ id: '222222222222', details: { enabled_regions: 'us-east-1' } }] }),
      current({
        detailColumns: ['security_contact_email'],
        accounts: [{ id: '222222222222', details: { security_contact_email: 'sec@acme.test' } }],
      }),
    );
    expect(changes).toEqual([]);
  });

  it('does not report ou_id_path and parent_id again beside a moved row, but does report other detail columns', () => {
    const detailColumns = ['ou_id_path', 'parent_id', 'delegated_services'];
    const changes = diffSnapshots(
      previous({
        detailColumns,
        accounts: [
          {
            id: '222222222222',
            fields: { ou_path: 'Root/Sandbox' },
            details: { ou_id_path: 'r-1/ou-1', parent_id: 'ou-1', delegated_services: '' },
          },
        ],
      }),
      current({
        detailColumns,
        accounts: [
          {
            id: '222222222222',
            fields: { ou_path: 'Root/Prod' },
            details: { ou_id_path: 'r-1/ou-2', parent_id: 'ou-2', delegated_services: 'sso.amazonaws.com' },
          },
        ],
      }),
    );
    expect(changes).toEqual([
      row('222222222222', 'name-222222222222', 'detail_changed', 'delegated_services', '', 'sso.amazonaws.com'),
      row('222222222222', 'name-222222222222', 'moved', 'ou_path', 'Root/Sandbox', 'Root/Prod'),
    ]);
  });

  it('reports ou_id_path and parent_id as detail_changed when the OU path itself did not change', () => {
    // E.g. the account went to a different OU of the same name path.
    const detailColumns = ['ou_id_path', 'parent_id'];
    const changes = diffSnapshots(
      previous({ detailColumns, accounts: [{ id: '222222222222', details: { ou_id_path: 'r-1/ou-1', parent_id: 'ou-1' } }] }),
      current({ detailColumns, accounts: [{ id: '222222222222', details: { ou_id_path: 'r-1/ou-2', parent_id: 'ou-2' } }] }),
    );
    expect(changes).toEqual([
      row('222222222222', 'name-222222222222', 'detail_changed', 'ou_id_path', 'r-1/ou-1', 'r-1/ou-2'),
      row('222222222222', 'name-222222222222', 'detail_changed', 'parent_id', 'ou-1', 'ou-2'),
    ]);
  });

  it('ignores fixed columns the contract does not compare (joined_method, tenant_name, collected_at)', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', fields: { joined_method: 'INVITED', tenant_name: 'Old' } }] }),
      current({ accounts: [{ id: '222222222222', fields: { joined_method: 'CREATED', tenant_name: 'New' } }] }),
    );
    expect(changes).toEqual([]);
  });

  it('sorts rows by account_id, then change, then field (ordinal)', () => {
    const changes = diffSnapshots(
      previous({
        accounts: [
          { id: '999999999999' },
          { id: '333333333333', fields: { account_name: 'a', account_state: 'ACTIVE' }, tags: { b: '1', c: '1' } },
        ],
      }),
      current({
        accounts: [
          { id: '222222222222' },
          { id: '333333333333', fields: { account_name: 'b', account_state: 'SUSPENDED' }, tags: { a: '1', B: '1', b: '2' } },
        ],
      }),
    );
    expect(changes.map((c) => [c.account_id, c.change, c.field])).toEqual([
      ['222222222222', 'account_added', ''],
      ['333333333333', 'renamed', 'account_name'],
      ['333333333333', 'state_changed', 'account_state'],
      ['333333333333', 'tag_added', 'tag:B'],
      ['333333333333', 'tag_added', 'tag:a'],
      ['333333333333', 'tag_changed', 'tag:b'],
      ['333333333333', 'tag_removed', 'tag:c'],
      ['999999999999', 'account_removed', ''],
    ]);
  });

  it('stamps every row with the tenant, both run IDs and this run’s collected_at', () => {
    const changes = diffSnapshots(
      previous({ collectedAt: '2024-04-01T00:00:00.000Z', accounts: [] }),
      current({ collectedAt: '2024-05-02T03:04:05.678Z', accounts: [{ id: '222222222222' }] }),
    );
    expect(changes).toEqual([{ ...row('222222222222', 'name-222222222222', 'account_added'), detected_at: '2024-05-02T03:04:05.678Z' }]);
    expect(Object.keys(changes[0] ?? {}).sort()).toEqual([...CHANGE_COLUMNS].sort());
  });
});

describe('changeCounts', () => {
  it('counts added and removed accounts, accounts with other changes, and rows', () => {
    const changes = diffSnapshots(
      previous({
        accounts: [{ id: '222222222222' }, { id: '333333333333', tags: { a: '1' } }, { id: '444444444444' }, { id: '555555555555' }],
      }),
      current({
        accounts: [
          { id: '333333333333', fields: { account_name: 'x' }, tags: { a: '2' } },
          { id: '444444444444', fields: { account_state: 'SUSPENDED' } },
          { id: '555555555555' },
          { id: '666666666666' },
          { id: '777777777777' },
        ],
      }),
    );
    expect(changeCounts(changes, PREVIOUS_RUN)).toEqual({ previousRunId: PREVIOUS_RUN, added: 2, removed: 1, modified: 2, total: 6 });
  });

  it('counts nothing when nothing changed', () => {
    expect(changeCounts([], PREVIOUS_RUN)).toEqual({ previousRunId: PREVIOUS_RUN, added: 0, removed: 0, modified: 0, total: 0 });
  });
});

describe('change events', () => {
  it('gives the change row with camelCase keys as the detail', () => {
    const change = row('222222222222', 'Dev', 'renamed', 'account_name', 'Old', 'Dev');
    expect(changeEventDetail(change)).toEqual({
      tenantId: '111111111111',
      accountId: '222222222222',
      accountName: 'Dev',
      change: 'renamed',
      field: 'account_name',
      before: 'Old',
      after: 'Dev',
      previousRunId: PREVIOUS_RUN,
      runId: CURRENT_RUN,
      detectedAt: DETECTED_AT,
    });
  });

  it('sends source orgmeta, detail-type Account Change, and the account ARN as the resource, from the previous snapshot for a removed account', () => {
    const before = previous({
      accounts: [{ id: '222222222222', fields: { account_arn: 'arn:aws:organizations::111111111111:account/o-abc/222222222222' } }],
    });
    const after = current({
      accounts: [{ id: '333333333333', fields: { account_arn: 'arn:aws-cn:organizations::111111111111:account/o-abc/333333333333' } }],
    });
    const changes = diffSnapshots(before, after);
    const events = changeEvents(changes, { previous: before, current: after });
    expect(events.map((e) => [e.source, e.detailType, e.detail.change, e.resources])).toEqual([
      ['orgmeta', 'Account Change', 'account_removed', ['arn:aws:organizations::111111111111:account/o-abc/222222222222']],
      ['orgmeta', 'Account Change', 'account_added', ['arn:aws-cn:organizations::111111111111:account/o-abc/333333333333']],
    ]);
  });

  it('sends no resource when no snapshot knew the account ARN', () => {
    const before = previous({ accounts: [] });
    const after = current({ accounts: [{ id: '333333333333', fields: { account_arn: '' } }] });
    expect(changeEvents(diffSnapshots(before, after), { previous: before, current: after })[0]?.resources).toEqual([]);
  });
});
