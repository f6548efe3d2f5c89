import { changeEvents, diffSnapshots } from '../src';
import { changeCounts } from '../src/changes';
import { PREVIOUS_RUN, current, previous } from './snapshot-builders';

describe('diffSnapshots edges', () => {
  it('reports no tag change for a tag both snapshots carry with the same value', () => {
    const tags = { Owner: 'team-a', Empty: '' };
    expect(
      diffSnapshots(previous({ accounts: [{ id: '222222222222', tags }] }), current({ accounts: [{ id: '222222222222', tags }] })),
    ).toEqual([]);
  });

  it('reads a detail an account lacks as empty, on either side', () => {
    const columns = ['delegated_services'];
    const appeared = diffSnapshots(
      previous({ detailColumns: columns, accounts: [{ id: '222222222222' }] }),
      current({ detailColumns: columns, accounts: [{ id: '222222222222', details: { delegated_services: 'sso' } }] }),
    );
    expect(appeared.map((c) => [c.change, c.field, c.before, c.after])).toEqual([['detail_changed', 'delegated_services', '', 'sso']]);
    const vanished = diffSnapshots(
      previous({ detailColumns: columns, accounts: [{ id: '222222222222', details: { delegated_services: 'sso' } }] }),
      current({ detailColumns: columns, accounts: [{ id: '222222222222' }] }),
    );
    expect(vanished.map((c) => [c.change, c.field, c.before, c.after])).toEqual([['detail_changed', 'delegated_services', 'sso', '']]);
    const neither = diffSnapshots(
      previous({ detailColumns: columns, accounts: [{ id: '222222222222' }] }),
      current({ detailColumns: columns, accounts: [{ id: '222222222222', details: { delegated_services: '' } }] }),
    );
    expect(neither).toEqual([]);
  });
});

describe('changeCounts edges', () => {
  it('does not count added or removed accounts as modified', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222' }] }),
      current({ accounts: [{ id: '333333333333' }, { id: '444444444444' }] }),
    );
    expect(changeCounts(changes, PREVIOUS_RUN)).toEqual({ previousRunId: PREVIOUS_RUN, added: 2, removed: 1, modified: 0, total: 3 });
  });

  it('counts an account with several changes once as modified', () => {
    const changes = diffSnapshots(
      previous({ accounts: [{ id: '222222222222', tags: { a: '1' } }] }),
      current({ accounts: [{ id: '222222222222', fields: { account_name: 'x' }, tags: { a: '2' } }] }),
    );
    expect(changeCounts(changes, PREVIOUS_RUN)).toEqual({ previousRunId: PREVIOUS_RUN, added: 0, removed: 0, modified: 1, total: 2 });
  });
});

describe('changeEvents edges', () => {
  it('keeps the ARN the previous snapshot knew when the current one has none', () => {
    const arn = 'arn:aws:organizations::111111111111:account/o-abc/222222222222';
    const before = previous({ accounts: [{ id: '222222222222', fields: { account_arn: arn } }] });
    const after = current({ accounts: [{ id: '222222222222', fields: { account_arn: '', account_name: 'renamed' } }] });
    const events = changeEvents(diffSnapshots(before, after), { previous: before, current: after });
    expect(events.map((e) => [e.detail.change, e.resources])).toEqual([['renamed', [arn]]]);
  });
});
