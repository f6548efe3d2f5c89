import type { Change, Snapshot, SnapshotAccount, SnapshotFixedColumn } from '@orgmeta/core';

/** Snapshots and changes for the Parquet tests: only what a test names differs from the defaults. */

export interface AccountSpec {
  readonly id: string;
  readonly fields?: Partial<Record<SnapshotFixedColumn, string>>;
  readonly details?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

export function snapshotOf(spec: {
  readonly tenantId?: string;
  readonly runId?: string;
  readonly collectedAt?: string;
  readonly hasOuPaths?: boolean;
  readonly detailColumns?: string[];
  readonly accounts: AccountSpec[];
}): Snapshot {
  const tenantId = spec.tenantId ?? '111111111111';
  const collectedAt = spec.collectedAt ?? '2024-05-01T12:00:00.000Z';
  const account = (a: AccountSpec): SnapshotAccount => ({
    fields: {
      tenant_id: tenantId,
      tenant_name: 'Acme',
      organization_id: 'o-abc',
      organization_arn: `arn:aws:organizations::${tenantId}:organization/o-abc`,
      management_account_id: tenantId,
      management_account_email: 'root@acme.test',
      account_id: a.id,
      account_arn: `arn:aws:organizations::${tenantId}:account/o-abc/${a.id}`,
      account_name: `name-${a.id}`,
      account_email: `${a.id}@acme.test`,
      account_state: 'ACTIVE',
      joined_method: 'CREATED',
      joined_timestamp: '2020-01-02T03:04:05.006Z',
      ou_path: spec.hasOuPaths === false ? '' : 'Root/Workloads',
      collected_at: collectedAt,
      ...a.fields,
    },
    details: new Map(Object.entries(a.details ?? {})),
    tags: new Map(Object.entries(a.tags ?? {})),
  });
  return {
    tenantId,
    runId: spec.runId ?? '20240501T120000Z-bbbbbb',
    collectedAt,
    hasOuPaths: spec.hasOuPaths ?? true,
    detailColumns: spec.detailColumns ?? [],
    accounts: spec.accounts.map(account),
  };
}

export function changeOf(fields: Partial<Change> & Pick<Change, 'account_id' | 'change'>): Change {
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

/** Plain data of a snapshot, for deep equality (Maps compared as entry lists). */
export function plain(snapshot: Snapshot) {
  return {
    ...snapshot,
    accounts: snapshot.accounts.map((a) => ({ fields: a.fields, details: [...a.details], tags: [...a.tags] })),
  };
}
