import { MOVE_DETAIL_COLUMNS, type Snapshot, type SnapshotAccount } from './snapshot';

/** The columns of `changes.csv` / `changes.parquet` (SPEC "Changes since the previous snapshot"), in order. */
export const CHANGE_COLUMNS = [
  'tenant_id',
  'account_id',
  'account_name',
  'change',
  'field',
  'before',
  'after',
  'previous_run_id',
  'run_id',
  'detected_at',
] as const;

/** A column of `changes.csv` and `changes.parquet`. */
export type ChangeColumn = (typeof CHANGE_COLUMNS)[number];

/** Every kind of change between two snapshots, in the order change files list them. */
export const CHANGE_KINDS = [
  'account_added',
  'account_removed',
  'state_changed',
  'renamed',
  'email_changed',
  'moved',
  'tag_added',
  'tag_removed',
  'tag_changed',
  'detail_changed',
] as const;

/** One kind of change between two snapshots (see {@link CHANGE_KINDS}). */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One row of the changes dataset; the property names are its column names. Empty values are `''`. */
export interface Change {
  readonly tenant_id: string;
  readonly account_id: string;
  /** The current name; the previous one for a removed account. */
  readonly account_name: string;
  readonly change: ChangeKind;
  /** The column that changed (`tag:<Key>` for tags); empty for added and removed accounts. */
  readonly field: string;
  readonly before: string;
  readonly after: string;
  readonly previous_run_id: string;
  readonly run_id: string;
  /** This run's `collected_at` (ISO 8601 UTC with milliseconds). */
  readonly detected_at: string;
}

/** Per-tenant counts for the summary and manifest (`changes: { … }`). */
export interface ChangeCounts {
  readonly previousRunId: string;
  /** Accounts added. */
  readonly added: number;
  /** Accounts removed. */
  readonly removed: number;
  /** Accounts with at least one other change. */
  readonly modified: number;
  /** Change rows. */
  readonly total: number;
}

/** Fixed columns compared between two snapshots, with the change each one reports. */
const COMPARED_FIELDS = [
  { field: 'account_state', change: 'state_changed' },
  { field: 'account_name', change: 'renamed' },
  { field: 'account_email', change: 'email_changed' },
] as const;

const TAG_FIELD_PREFIX = 'tag:';

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareChanges(a: Change, b: Change): number {
  return ordinal(a.account_id, b.account_id) || ordinal(a.change, b.change) || ordinal(a.field, b.field);
}

type ChangeFacts = Pick<Change, 'change' | 'field' | 'before' | 'after'>;

/** The tag keys both snapshots recorded for this account (a baseline may have recorded only some keys). */
function comparableTagKeys(previous: Snapshot, current: Snapshot, before: SnapshotAccount, after: SnapshotAccount): string[] {
  const recorded = (snapshot: Snapshot, key: string) => snapshot.recordedTagKeys === undefined || snapshot.recordedTagKeys.includes(key);
  const keys = new Set([...before.tags.keys(), ...after.tags.keys()]);
  return [...keys].filter((key) => recorded(previous, key) && recorded(current, key));
}

function tagChanges(previous: Snapshot, current: Snapshot, before: SnapshotAccount, after: SnapshotAccount): ChangeFacts[] {
  const facts: ChangeFacts[] = [];
  for (const key of comparableTagKeys(previous, current, before, after)) {
    const old = before.tags.get(key);
    const now = after.tags.get(key);
    const field = `${TAG_FIELD_PREFIX}${key}`;
    // Stryker disable ConditionalExpression,LogicalOperator: equivalent, a key comes from one of the two maps so one side is always set, both past the first two branches
    if (old === undefined && now !== undefined) facts.push({ change: 'tag_added', field, before: '', after: now });
    else if (old !== undefined && now === undefined) facts.push({ change: 'tag_removed', field, before: old, after: '' });
    else if (old !== undefined && now !== undefined && old !== now) facts.push({ change: 'tag_changed', field, before: old, after: now });
    // Stryker restore ConditionalExpression,LogicalOperator
  }
  return facts;
}

function accountChanges(previous: Snapshot, current: Snapshot, before: SnapshotAccount, after: SnapshotAccount): ChangeFacts[] {
  const facts: ChangeFacts[] = [];
  for (const { field, change } of COMPARED_FIELDS) {
    if (before.fields[field] !== after.fields[field])
      facts.push({ change, field, before: before.fields[field], after: after.fields[field] });
  }
  // Without OU paths on both sides an empty `ou_path` means "not collected", not "moved to nowhere".
  const moved = previous.hasOuPaths && current.hasOuPaths && before.fields.ou_path !== after.fields.ou_path;
  if (moved) facts.push({ change: 'moved', field: 'ou_path', before: before.fields.ou_path, after: after.fields.ou_path });
  facts.push(...tagChanges(previous, current, before, after));
  for (const column of current.detailColumns) {
    if (!previous.detailColumns.includes(column)) continue;
    if (moved && MOVE_DETAIL_COLUMNS.includes(column)) continue;
    const old = before.details.get(column) ?? '';
    const now = after.details.get(column) ?? '';
    if (old !== now) facts.push({ change: 'detail_changed', field: column, before: old, after: now });
  }
  return facts;
}

/**
 * Every change from `previous` to `current` of one tenant (SPEC "Changes since the previous
 * snapshot"), sorted by `account_id`, `change`, `field`. Pure.
 */
export function diffSnapshots(previous: Snapshot, current: Snapshot): Change[] {
  const row = (account: SnapshotAccount, facts: ChangeFacts): Change => ({
    tenant_id: current.tenantId,
    account_id: account.fields.account_id,
    account_name: account.fields.account_name,
    ...facts,
    previous_run_id: previous.runId,
    run_id: current.runId,
    detected_at: current.collectedAt,
  });
  const none = { field: '', before: '', after: '' };
  const before = new Map(previous.accounts.map((a) => [a.fields.account_id, a]));
  const after = new Map(current.accounts.map((a) => [a.fields.account_id, a]));
  const changes: Change[] = [];
  for (const [id, account] of after) {
    const old = before.get(id);
    if (!old) changes.push(row(account, { change: 'account_added', ...none }));
    else changes.push(...accountChanges(previous, current, old, account).map((facts) => row(account, facts)));
  }
  for (const [id, account] of before) {
    if (!after.has(id)) changes.push(row(account, { change: 'account_removed', ...none }));
  }
  return changes.sort(compareChanges);
}

/** The summary's `changes` entry of one tenant. */
export function changeCounts(changes: readonly Change[], previousRunId: string): ChangeCounts {
  const accountsWith = (test: (change: Change) => boolean) => new Set(changes.filter(test).map((c) => c.account_id)).size;
  return {
    previousRunId,
    added: accountsWith((c) => c.change === 'account_added'),
    removed: accountsWith((c) => c.change === 'account_removed'),
    modified: accountsWith((c) => c.change !== 'account_added' && c.change !== 'account_removed'),
    total: changes.length,
  };
}

/** `detail` of a change event: the change row with camelCase keys (SPEC "Change events"). */
export interface ChangeEventDetail {
  readonly tenantId: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly change: ChangeKind;
  readonly field: string;
  readonly before: string;
  readonly after: string;
  readonly previousRunId: string;
  readonly runId: string;
  readonly detectedAt: string;
}

/** The EventBridge `source` of every change event. */
export const CHANGE_EVENT_SOURCE = 'orgmeta';
/** The EventBridge `detail-type` of every change event. */
export const CHANGE_EVENT_DETAIL_TYPE = 'Account Change';

/** One event per change row, ready for any event bus. */
export interface ChangeEvent {
  readonly source: typeof CHANGE_EVENT_SOURCE;
  readonly detailType: typeof CHANGE_EVENT_DETAIL_TYPE;
  readonly detail: ChangeEventDetail;
  /** The account ARN (none when no snapshot knew it). */
  readonly resources: readonly string[];
}

export function changeEventDetail(change: Change): ChangeEventDetail {
  return {
    tenantId: change.tenant_id,
    accountId: change.account_id,
    accountName: change.account_name,
    change: change.change,
    field: change.field,
    before: change.before,
    after: change.after,
    previousRunId: change.previous_run_id,
    runId: change.run_id,
    detectedAt: change.detected_at,
  };
}

/**
 * The events of a diff. The account ARN comes from the snapshots the changes were found
 * in: the current one, or the previous one for a removed account.
 */
export function changeEvents(
  changes: readonly Change[],
  snapshots: { readonly previous: Snapshot; readonly current: Snapshot },
): ChangeEvent[] {
  const arns = new Map<string, string>();
  for (const account of [...snapshots.previous.accounts, ...snapshots.current.accounts]) {
    if (account.fields.account_arn !== '') arns.set(account.fields.account_id, account.fields.account_arn);
  }
  return changes.map((change) => {
    const arn = arns.get(change.account_id);
    return {
      source: CHANGE_EVENT_SOURCE,
      detailType: CHANGE_EVENT_DETAIL_TYPE,
      detail: changeEventDetail(change),
      resources: arn ? [arn] : [],
    };
  });
}
