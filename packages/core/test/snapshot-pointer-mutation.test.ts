import { loadPreviousSnapshot, renderSnapshotPointer, snapshotPointerKey, type ObjectReader } from '../src';
import { parseSnapshotPointer, type CsvSnapshotContext, type SnapshotPointer } from '../src/snapshot-pointer';
import { snapshot } from './snapshot-builders';

// What mutation testing found unasserted in snapshot-pointer.ts: pointers that are JSON but not an
// object, instants that Date.parse takes but the format does not, and optional fields left out.

const TENANT = '111111111111';
const CSV_ONLY: SnapshotPointer = {
  version: 1,
  tenantId: TENANT,
  runId: '20240430T120000Z-aaaaaa',
  collectedAt: '2024-04-30T12:00:00.000Z',
  formats: ['csv'],
  keys: { csv: 'org-accounts/dt=2024-04-30/tenant_id=111111111111/accounts.csv' },
};

function pointerWith(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...CSV_ONLY, ...fields });
}

describe('parseSnapshotPointer refuses', () => {
  it.each([
    ['null', 'null'],
    ['a string', '"pointer"'],
    ['a number', '42'],
  ])('JSON %s: it is not a JSON object', (_what, text) => {
    expect(parseSnapshotPointer(text, TENANT)).toEqual({ problem: 'it is not a JSON object' });
  });

  it.each([
    ['without milliseconds', '2024-04-30T12:00:00Z'],
    ['a date only', '2024-04-30'],
    ['with an expanded year', '+002024-04-30T12:00:00.000Z'],
    ['as a list', ['2024-04-30T12:00:00.000Z']],
    ['as a number', 1714478400000],
    ['a month that does not exist', '2024-13-01T12:00:00.000Z'],
  ])('a collectedAt %s', (_what, collectedAt) => {
    expect(parseSnapshotPointer(pointerWith({ collectedAt }), TENANT)).toEqual({
      problem: 'its collectedAt is not an ISO 8601 UTC instant',
    });
  });

  it('keys that are not an object, and tag keys of which only some are strings', () => {
    expect(parseSnapshotPointer(pointerWith({ keys: null }), TENANT)).toEqual({ problem: 'it has no keys.csv' });
    expect(parseSnapshotPointer(pointerWith({ csvTagKeys: ['Owner', 7] }), TENANT)).toEqual({
      problem: 'its csvTagKeys is not a list of strings',
    });
  });
});

describe('optional pointer fields', () => {
  it('stay absent when the pointer does not have them', () => {
    const parsed = parseSnapshotPointer(renderSnapshotPointer(CSV_ONLY), TENANT);
    expect(parsed).toStrictEqual({ pointer: CSV_ONLY });
  });

  it('leave formulasEscaped out of the CSV context when the pointer does not say (the CSV reader then assumes escaped)', async () => {
    const pointerKey = snapshotPointerKey('org-accounts/', TENANT);
    const objects: Record<string, string> = { [pointerKey]: renderSnapshotPointer(CSV_ONLY), [CSV_ONLY.keys.csv]: 'csv' };
    const reader: ObjectReader = { readObject: async (key) => (key in objects ? new TextEncoder().encode(objects[key]) : undefined) };
    const contexts: CsvSnapshotContext[] = [];
    await loadPreviousSnapshot(reader, 'org-accounts/', TENANT, {
      csv: (_text, context) => {
        contexts.push(context);
        return snapshot({ runId: context.runId, accounts: [] });
      },
    });
    expect(contexts).toStrictEqual([{ tenantId: TENANT, runId: CSV_ONLY.runId, collectedAt: CSV_ONLY.collectedAt }]);
  });
});
