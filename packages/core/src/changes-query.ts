import type { Change } from './changes';
import { manifestKey, partitionDate } from './report-layout';
import { parseSnapshotPointer, snapshotPointerKey } from './snapshot-pointer';
import type { ObjectReader } from './snapshot-ports';
import type { RunSummary } from './types';

/**
 * `orgmeta changes`: finds the change rows of a run in the output store (S3 or the output
 * folder) without listing it whole. The latest run of each tenant comes from its pointer
 * (`_latest/`, one small object per tenant); a run ID from its manifest; `--since` lists only
 * the `dt=` prefixes of the days asked for.
 */

/** Lists the relative keys under a prefix (S3 ListObjectsV2, or a folder walk). */
export interface ObjectLister {
  listKeys(prefix: string): Promise<string[]>;
}

/** Which changes {@link findChanges} reads: the latest run, one run, or a range of days. */
export type ChangesQuery =
  | { readonly kind: 'latest' }
  | { readonly kind: 'run'; readonly runId: string }
  /** Every changes file of the days from `since` to `until` (UTC dates, `YYYY-MM-DD`). */
  | { readonly kind: 'since'; readonly since: string; readonly until: string };

/** What {@link findChanges} read: the change rows, the objects they came from, and what it could not read. */
export interface ChangesFound {
  /** Rows sorted by tenant, account, change and field. */
  readonly changes: readonly Change[];
  /** The changes files read. */
  readonly sources: readonly string[];
  /** What could not be found or read, for the log. */
  readonly warnings: readonly string[];
}

/** Turns the text of a `changes.csv` back into change rows (`@orgmeta/csv` provides `changesFromCsv`). */
export type ChangesParser = (text: string) => Change[];

const RUN_ID_DATE = /^(\d{4})(\d{2})(\d{2})T\d{6}Z-[0-9a-f]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

/** The UTC date a run ID was started on (`20240501T120000Z-abc123` → 2024-05-01), or undefined. */
export function runIdDate(runId: string): Date | undefined {
  const match = RUN_ID_DATE.exec(runId);
  if (!match) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The days from `since` to `until`, inclusive; an error sentence for a bad or too long range. */
export function daysBetween(since: string, until: string): string[] | { readonly error: string } {
  if (!DAY.test(since) || Number.isNaN(Date.parse(`${since}T00:00:00Z`))) return { error: `"${since}" is not a date (YYYY-MM-DD)` };
  const days: string[] = [];
  for (let day = new Date(`${since}T00:00:00Z`); partitionDate(day) <= until; day = new Date(day.getTime() + 86_400_000)) {
    days.push(partitionDate(day));
    if (days.length > MAX_DAYS) return { error: `--since covers more than ${MAX_DAYS} days; choose a later date` };
  }
  return days;
}

function changesKeyBeside(accountsKey: string): string {
  return `${accountsKey.slice(0, accountsKey.lastIndexOf('/') + 1)}changes.csv`;
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A run's manifest, found by its run ID (which names its `dt=` day), from S3 or the output folder. */
export interface RunManifestFound {
  /** The run's summary, as the manifest holds it. */
  readonly summary: RunSummary;
  /** The manifest's key (or local path) it was read from. */
  readonly key: string;
  /** The run's `dt=` day. */
  readonly date: Date;
}

/**
 * Reads one run's manifest (`orgmeta changes --run-id`, `orgmeta collect --retry-failed`). Throws a
 * RangeError naming what is wrong when the ID is not a run ID or the run has no manifest there.
 */
export async function readRunManifest(store: ObjectReader, prefix: string, runId: string): Promise<RunManifestFound> {
  const date = runIdDate(runId);
  if (!date) throw new RangeError(`"${runId}" is not a run ID (e.g. 20240501T120000Z-a1b2c3)`);
  const key = manifestKey(prefix, date, runId);
  const bytes = await store.readObject(key);
  if (!bytes) throw new RangeError(`No run ${runId}: its manifest ${key} does not exist`);
  return { summary: JSON.parse(decode(bytes)) as RunSummary, key, date };
}

/** Finds the change rows a query asks for; `tenantIds` narrows it (empty: every tenant). Never lists more than it must. */
export async function findChanges(
  store: ObjectReader & ObjectLister,
  prefix: string,
  query: ChangesQuery,
  tenantIds: readonly string[],
  parse: ChangesParser,
): Promise<ChangesFound> {
  const warnings: string[] = [];
  const wanted = (tenantId: string) => tenantIds.length === 0 || tenantIds.includes(tenantId);
  // Each source: the changes file and the run whose rows it should hold (undefined: any run).
  const sources: { key: string; runId?: string }[] = [];

  if (query.kind === 'latest') {
    const ids =
      tenantIds.length > 0
        ? [...tenantIds]
        : (await store.listKeys(`${prefix}_latest/`)).flatMap((key) => /tenant_id=(\d{12})\.json$/.exec(key)?.[1] ?? []);
    for (const tenantId of ids) {
      const bytes = await store.readObject(snapshotPointerKey(prefix, tenantId));
      if (!bytes) {
        warnings.push(`Tenant ${tenantId}: no snapshot yet (no pointer ${snapshotPointerKey(prefix, tenantId)})`);
        continue;
      }
      const parsed = parseSnapshotPointer(decode(bytes), tenantId);
      if ('problem' in parsed) {
        warnings.push(`Tenant ${tenantId}: the snapshot pointer is ignored: ${parsed.problem}`);
        continue;
      }
      sources.push({ key: changesKeyBeside(parsed.pointer.keys.csv), runId: parsed.pointer.runId });
    }
  } else if (query.kind === 'run') {
    const { summary, date } = await readRunManifest(store, prefix, query.runId);
    for (const tenant of summary.tenants) {
      if (!wanted(tenant.tenantId) || tenant.status !== 'succeeded' || !tenant.changes) continue;
      sources.push({ key: `${prefix}dt=${partitionDate(date)}/tenant_id=${tenant.tenantId}/changes.csv`, runId: query.runId });
    }
  } else {
    const days = daysBetween(query.since, query.until);
    if ('error' in days) throw new RangeError(days.error);
    for (const day of days) {
      for (const key of await store.listKeys(`${prefix}dt=${day}/`)) {
        const tenantId = /\/tenant_id=(\d{12})\/changes\.csv$/.exec(key)?.[1];
        if (tenantId && wanted(tenantId)) sources.push({ key });
      }
    }
  }

  const changes: Change[] = [];
  const read: string[] = [];
  for (const source of sources) {
    const bytes = await store.readObject(source.key);
    if (!bytes) continue; // a first snapshot has no changes file
    const rows = parse(decode(bytes));
    const ofRun = source.runId ? rows.filter((row) => row.run_id === source.runId) : rows;
    if (ofRun.length < rows.length)
      warnings.push(`${source.key} now holds a later run of the same day; its rows of run ${source.runId} were replaced`);
    changes.push(...ofRun.filter((row) => wanted(row.tenant_id)));
    read.push(source.key);
  }
  changes.sort(
    (a, b) =>
      ordinal(a.tenant_id, b.tenant_id) ||
      ordinal(a.detected_at, b.detected_at) ||
      ordinal(a.account_id, b.account_id) ||
      ordinal(a.change, b.change) ||
      ordinal(a.field, b.field),
  );
  return { changes, sources: read, warnings };
}
