import type { Snapshot, SnapshotAccount, SnapshotFixedColumn } from '../src';

/** Small snapshots for change-detection tests: only what a test names differs from the defaults. */

export interface AccountSpec {
  readonly id: string;
  readonly fields?: Partial<Record<SnapshotFixedColumn, string>>;
  readonly details?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

export function account(spec: AccountSpec, collectedAt = '2024-05-01T12:00:00.000Z'): SnapshotAccount {
  return {
    fields: {
      tenant_id: '111111111111',
      tenant_name: 'Acme',
      organization_id: 'o-abc',
      organization_arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      management_account_id: '111111111111',
      management_account_email: 'root@acme.test',
      account_id: spec.id,
      account_arn: `arn:aws:organizations::111111111111:account/o-abc/${spec.id}`,
      account_name: `name-${spec.id}`,
      account_email: `${spec.id}@acme.test`,
      account_state: 'ACTIVE',
      joined_method: 'CREATED',
      joined_timestamp: '2020-01-01T00:00:00.000Z',
      ou_path: 'Root/Workloads',
      collected_at: collectedAt,
      ...spec.fields,
    },
    details: new Map(Object.entries(spec.details ?? {})),
    tags: new Map(Object.entries(spec.tags ?? {})),
  };
}

export interface SnapshotSpec {
  readonly runId: string;
  readonly collectedAt?: string;
  readonly hasOuPaths?: boolean;
  readonly detailColumns?: string[];
  readonly recordedTagKeys?: string[];
  readonly accounts: AccountSpec[];
}

export function snapshot(spec: SnapshotSpec): Snapshot {
  const collectedAt = spec.collectedAt ?? '2024-05-01T12:00:00.000Z';
  return {
    tenantId: '111111111111',
    runId: spec.runId,
    collectedAt,
    hasOuPaths: spec.hasOuPaths ?? true,
    detailColumns: spec.detailColumns ?? [],
    ...(spec.recordedTagKeys ? { recordedTagKeys: spec.recordedTagKeys } : {}),
    accounts: spec.accounts.map((a) => account(a, collectedAt)),
  };
}

export const PREVIOUS_RUN = '20240430T120000Z-aaaaaa';
export const CURRENT_RUN = '20240501T120000Z-bbbbbb';
export const DETECTED_AT = '2024-05-01T12:00:00.000Z';

export function previous(spec: Omit<SnapshotSpec, 'runId'>): Snapshot {
  return snapshot({ collectedAt: '2024-04-30T12:00:00.000Z', ...spec, runId: PREVIOUS_RUN });
}

export function current(spec: Omit<SnapshotSpec, 'runId'>): Snapshot {
  return snapshot({ collectedAt: DETECTED_AT, ...spec, runId: CURRENT_RUN });
}
