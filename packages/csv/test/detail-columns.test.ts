import type { AccountWithDetails, DetailColumn, TenantReport } from '@orgmeta/core';
import { parse } from 'csv-parse/sync';
import { renderAccountsCsv, snapshotFromCsv } from '../src';

const COLLECTED_AT = new Date('2024-05-01T12:00:00.000Z');

function accountRow(id: string, details: Partial<Record<DetailColumn, string>>, tags: Record<string, string> = {}): AccountWithDetails {
  return {
    id,
    arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
    name: `name-${id}`,
    email: `${id}@example.com`,
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: new Date('2023-01-02T03:04:05.678Z'),
    tags: new Map(Object.entries(tags)),
    ouPath: 'Root/Prod',
    details: new Map(Object.entries(details) as [DetailColumn, string][]),
  };
}

function report(accounts: AccountWithDetails[], detailColumns: DetailColumn[], tagKeys: string[] = []): TenantReport {
  return {
    tenant: { tenantId: '111111111111', tenantName: 'Acme' },
    organization: {
      id: 'o-abc',
      arn: 'arn:aws:organizations::111111111111:organization/o-abc',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@acme.example',
    },
    accounts,
    tagKeys,
    collectedAt: COLLECTED_AT,
    detailColumns,
  };
}

describe('accounts.csv detail columns', () => {
  it('puts the collected detail columns after collected_at and before the tag columns, in SPEC order', () => {
    // Prepare
    const row = accountRow(
      '222222222222',
      { enabled_regions: 'eu-west-1;us-east-1', delegated_services: 'guardduty.amazonaws.com', parent_id: 'ou-ab12-22222222' },
      { Owner: 'ops' },
    );

    // Act
    const csv = renderAccountsCsv(report([row], ['enabled_regions', 'parent_id', 'delegated_services'], ['Owner']), {
      escapeFormulas: true,
    });

    // Assess
    const [header, data] = parse(csv) as string[][];
    expect(header.slice(14)).toEqual(['collected_at', 'parent_id', 'delegated_services', 'enabled_regions', 'tag:Owner']);
    expect(data.slice(15)).toEqual(['ou-ab12-22222222', 'guardduty.amazonaws.com', 'eu-west-1;us-east-1', 'ops']);
  });

  it('adds no column for a detail the run did not collect, so Part 1 reports keep their shape', () => {
    const csv = renderAccountsCsv(report([accountRow('222222222222', {})], []), { escapeFormulas: true });
    const [header] = parse(csv) as string[][];
    expect(header).toHaveLength(15);
  });

  it('escapes detail cells like every other data cell, and reads them back as a change-detection baseline', () => {
    const row = accountRow('222222222222', { security_contact_email: '=evil@example.com', billing_contact_email: '' });
    const csv = renderAccountsCsv(report([row], ['security_contact_email', 'billing_contact_email', 'operations_contact_email']), {
      escapeFormulas: true,
    });
    expect(csv).toContain("'=evil@example.com");

    const snapshot = snapshotFromCsv(csv, { tenantId: '111111111111', runId: 'r1', collectedAt: COLLECTED_AT.toISOString() });
    expect(snapshot.detailColumns).toEqual(['security_contact_email', 'billing_contact_email', 'operations_contact_email']);
    expect(snapshot.accounts[0].details.get('security_contact_email')).toBe('=evil@example.com');
  });
});
