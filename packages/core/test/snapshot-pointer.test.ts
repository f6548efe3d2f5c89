import { loadPreviousSnapshot, renderSnapshotPointer, snapshotPointerKey, type ObjectReader, type Snapshot } from '../src';
import { parseSnapshotPointer, type SnapshotParsers, type SnapshotPointer } from '../src/snapshot-pointer';
import { tenantObjectKey } from '../src/snapshot-layout';
import { snapshot } from './snapshot-builders';

const TENANT = '111111111111';
const PREFIX = 'org-accounts/';

const POINTER: SnapshotPointer = {
  version: 1,
  tenantId: TENANT,
  runId: '20240430T120000Z-aaaaaa',
  collectedAt: '2024-04-30T12:00:00.000Z',
  formats: ['csv', 'parquet'],
  keys: {
    csv: 'org-accounts/dt=2024-04-30/tenant_id=111111111111/accounts.csv',
    parquet: 'org-accounts/dt=2024-04-30/tenant_id=111111111111/accounts.parquet',
  },
};

/** An output store in memory; a key mapped to an Error fails when read. */
class MemoryObjects implements ObjectReader {
  readonly reads: string[] = [];
  constructor(private readonly objects: Record<string, string | Uint8Array | Error>) {}
  async readObject(key: string): Promise<Uint8Array | undefined> {
    this.reads.push(key);
    const value = this.objects[key];
    if (value instanceof Error) throw value;
    return typeof value === 'string' ? new TextEncoder().encode(value) : value;
  }
}

/** Parsers that record what they were given and answer with marked snapshots. */
function recordingParsers(options: { parquetFails?: boolean; withParquet?: boolean } = {}) {
  const calls: { format: string; input: string; context?: unknown }[] = [];
  const parsers: SnapshotParsers = {
    ...(options.withParquet === false
      ? {}
      : {
          parquet: (bytes: Uint8Array): Snapshot => {
            calls.push({ format: 'parquet', input: new TextDecoder().decode(bytes) });
            if (options.parquetFails) throw new Error('not a parquet file');
            return snapshot({ runId: 'from-parquet', accounts: [] });
          },
        }),
    csv: (text, context) => {
      calls.push({ format: 'csv', input: text, context });
      return snapshot({ runId: context.runId, accounts: [] });
    },
  };
  return { parsers, calls };
}

const pointerKey = snapshotPointerKey(PREFIX, TENANT);

describe('snapshot pointer', () => {
  it('lives under the prefix, outside every dt= partition, one per tenant', () => {
    expect(snapshotPointerKey('org-accounts/', '111111111111')).toBe('org-accounts/_latest/tenant_id=111111111111.json');
    expect(snapshotPointerKey('', '222222222222')).toBe('_latest/tenant_id=222222222222.json');
  });

  it('names the objects beside accounts.csv', () => {
    const startedAt = new Date('2024-05-01T23:59:59.999Z');
    expect(tenantObjectKey(PREFIX, startedAt, TENANT, 'changes.parquet')).toBe(
      'org-accounts/dt=2024-05-01/tenant_id=111111111111/changes.parquet',
    );
  });

  it('parses back what it renders', () => {
    expect(parseSnapshotPointer(renderSnapshotPointer(POINTER), TENANT)).toEqual({ pointer: POINTER });
    const csvOnly: SnapshotPointer = {
      ...POINTER,
      formats: ['csv'],
      keys: { csv: POINTER.keys.csv },
      csvTagKeys: ['Owner'],
      csvFormulasEscaped: false,
    };
    expect(parseSnapshotPointer(renderSnapshotPointer(csvOnly), TENANT)).toEqual({ pointer: csvOnly });
  });

  it.each([
    ['not JSON', '{"version":1,', 'it is not valid JSON'],
    ['an array', '[]', 'it is not a JSON object'],
    ['another version', JSON.stringify({ ...POINTER, version: 2 }), 'its version is 2, not 1'],
    ['another tenant', JSON.stringify({ ...POINTER, tenantId: '999999999999' }), 'it names tenant "999999999999"'],
    ['no run ID', JSON.stringify({ ...POINTER, runId: '' }), 'it has no runId'],
    ['a bad instant', JSON.stringify({ ...POINTER, collectedAt: 'yesterday' }), 'its collectedAt is not an ISO 8601 UTC instant'],
    ['no csv format', JSON.stringify({ ...POINTER, formats: ['parquet'] }), 'its formats are not a list of csv and parquet including csv'],
    [
      'an unknown format',
      JSON.stringify({ ...POINTER, formats: ['csv', 'xlsx'] }),
      'its formats are not a list of csv and parquet including csv',
    ],
    ['no csv key', JSON.stringify({ ...POINTER, keys: { parquet: 'x' } }), 'it has no keys.csv'],
    ['a parquet key without the format', JSON.stringify({ ...POINTER, formats: ['csv'] }), 'its keys.parquet does not match its formats'],
    ['bad tag keys', JSON.stringify({ ...POINTER, csvTagKeys: [1] }), 'its csvTagKeys is not a list of strings'],
    ['a bad escaping flag', JSON.stringify({ ...POINTER, csvFormulasEscaped: 'no' }), 'its csvFormulasEscaped is not a boolean'],
  ])('refuses a pointer with %s', (_what, text, problem) => {
    expect(parseSnapshotPointer(text, TENANT)).toEqual({ problem });
  });
});

describe('loadPreviousSnapshot', () => {
  it('has no baseline and no warning when the tenant has no pointer yet', async () => {
    const store = new MemoryObjects({});
    const { parsers, calls } = recordingParsers();
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, parsers);
    expect(result).toEqual({ warnings: [] });
    expect(store.reads).toEqual([pointerKey]);
    expect(calls).toEqual([]);
  });

  it('reads the Parquet snapshot the pointer names, and only that', async () => {
    const store = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(POINTER), [POINTER.keys.parquet ?? '']: 'PAR1' });
    const { parsers, calls } = recordingParsers();
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, parsers);
    expect(result.snapshot?.runId).toBe('from-parquet');
    expect(result.pointer).toEqual(POINTER);
    expect(result.warnings).toEqual([]);
    expect(store.reads).toEqual([pointerKey, POINTER.keys.parquet]);
    expect(calls).toEqual([{ format: 'parquet', input: 'PAR1' }]);
  });

  it('reads the CSV, with what the pointer knows about it, when the run wrote no Parquet', async () => {
    const pointer: SnapshotPointer = {
      ...POINTER,
      formats: ['csv'],
      keys: { csv: POINTER.keys.csv },
      csvTagKeys: ['Owner'],
      csvFormulasEscaped: false,
    };
    const store = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(pointer), [POINTER.keys.csv]: 'tenant_id\n' });
    const { parsers, calls } = recordingParsers();
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, parsers);
    expect(result.snapshot?.runId).toBe(POINTER.runId);
    expect(result.warnings).toEqual([]);
    expect(calls).toEqual([
      {
        format: 'csv',
        input: 'tenant_id\n',
        context: {
          runId: POINTER.runId,
          tenantId: TENANT,
          collectedAt: POINTER.collectedAt,
          recordedTagKeys: ['Owner'],
          formulasEscaped: false,
        },
      },
    ]);
  });

  it('reads the CSV when no Parquet reader is wired', async () => {
    const store = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(POINTER), [POINTER.keys.csv]: 'csv' });
    const { parsers, calls } = recordingParsers({ withParquet: false });
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, parsers);
    expect(result.snapshot?.runId).toBe(POINTER.runId);
    expect(calls.map((c) => c.format)).toEqual(['csv']);
    expect(store.reads).toEqual([pointerKey, POINTER.keys.csv]);
  });

  it('falls back to the CSV with a warning when the Parquet snapshot is missing or unreadable', async () => {
    const missing = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(POINTER), [POINTER.keys.csv]: 'csv' });
    const fromMissing = await loadPreviousSnapshot(missing, PREFIX, TENANT, recordingParsers().parsers);
    expect(fromMissing.snapshot?.runId).toBe(POINTER.runId);
    expect(fromMissing.warnings).toEqual([
      `Tenant ${TENANT}: the previous snapshot ${POINTER.keys.parquet} is missing; comparing with its CSV`,
    ]);

    const corrupt = new MemoryObjects({
      [pointerKey]: renderSnapshotPointer(POINTER),
      [POINTER.keys.parquet ?? '']: 'garbage',
      [POINTER.keys.csv]: 'csv',
    });
    const fromCorrupt = await loadPreviousSnapshot(corrupt, PREFIX, TENANT, recordingParsers({ parquetFails: true }).parsers);
    expect(fromCorrupt.snapshot?.runId).toBe(POINTER.runId);
    expect(fromCorrupt.warnings).toEqual([
      `Tenant ${TENANT}: the previous snapshot ${POINTER.keys.parquet} could not be read (Error: not a parquet file); comparing with its CSV`,
    ]);
  });

  it('has no baseline, with a warning and without a throw, when the pointer is corrupt', async () => {
    const store = new MemoryObjects({ [pointerKey]: '{"version": 1, "tenantId": ' });
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, recordingParsers().parsers);
    expect(result).toEqual({
      warnings: [`Tenant ${TENANT}: no baseline for change detection: the snapshot pointer ${pointerKey} is ignored: it is not valid JSON`],
    });
  });

  it('has no baseline, with a warning, when the pointer cannot be read', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    const result = await loadPreviousSnapshot(new MemoryObjects({ [pointerKey]: denied }), PREFIX, TENANT, recordingParsers().parsers);
    expect(result).toEqual({
      warnings: [
        `Tenant ${TENANT}: no baseline for change detection: the snapshot pointer ${pointerKey} could not be read (AccessDenied: Access Denied)`,
      ],
    });
  });

  it('has no baseline, with every warning, when neither snapshot object can be read', async () => {
    const store = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(POINTER) });
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, recordingParsers().parsers);
    expect(result).toEqual({
      warnings: [
        `Tenant ${TENANT}: the previous snapshot ${POINTER.keys.parquet} is missing; comparing with its CSV`,
        `Tenant ${TENANT}: no baseline for change detection: the previous report ${POINTER.keys.csv} named by ${pointerKey} is missing`,
      ],
    });
  });

  it('has no baseline, with a warning, when the CSV cannot be parsed', async () => {
    const pointer: SnapshotPointer = { ...POINTER, formats: ['csv'], keys: { csv: POINTER.keys.csv } };
    const store = new MemoryObjects({ [pointerKey]: renderSnapshotPointer(pointer), [POINTER.keys.csv]: 'x' });
    const parsers: SnapshotParsers = {
      csv: () => {
        throw new Error('no account_id column');
      },
    };
    const result = await loadPreviousSnapshot(store, PREFIX, TENANT, parsers);
    expect(result).toEqual({
      warnings: [
        `Tenant ${TENANT}: no baseline for change detection: the previous report ${POINTER.keys.csv} could not be read (Error: no account_id column)`,
      ],
    });
  });
});
