import { SecretMasker } from '../src';
import { selectTenants } from '../src/tenants';
import { activeTenant, item, keyed, record, withAttributes } from './fakes';

const CRITERIA = { status: 'active', service: 'AWS Cloud Usage' };

describe('selectTenants', () => {
  it('selects on status and service compared trimmed and case-insensitively', () => {
    const selection = selectTenants(
      [
        record({ tenant_id: '111111111111', status: ' ACTIVE ', service: 'aws cloud usage ' }),
        record({ tenant_id: '222222222222', status: 'inactive', service: 'AWS Cloud Usage' }),
        record({ tenant_id: '333333333333', status: 'active', service: 'Other' }),
      ],
      CRITERIA,
    );
    expect(selection.tenants.map((t) => t.tenantId)).toEqual(['111111111111']);
    expect(selection.invalidRecords).toEqual([]);
  });

  it('names a bad item by the primary key of the table, whatever its key attributes are', () => {
    // Prepare
    const records = [
      keyed(activeTenant('12345'), { pk: 'tenant#42' }),
      keyed(record({ status: 'active', service: 'AWS Cloud Usage' }), { pk: 'customer#7', sk: 'aws' }),
      keyed(activeTenant('111111111111'), { pk: 'tenant#1' }),
    ];
    // Act
    const selection = selectTenants(records, CRITERIA);
    // Assess
    expect(selection.invalidRecords).toEqual([
      { key: 'pk=tenant#42', reason: 'tenant_id "12345" is not a 12-digit account ID' },
      { key: 'pk=customer#7,sk=aws', reason: 'missing tenant_id attribute' },
    ]);
    expect(selection.tenants).toEqual([
      expect.objectContaining({ tenantId: '111111111111', primaryKey: [{ name: 'pk', type: 'S', value: 'tenant#1' }] }),
    ]);
  });

  it('names a bad item by tenant_id, else its scan position, when the key schema is unknown', () => {
    const selection = selectTenants(
      [record({ status: 'active', service: 'AWS Cloud Usage', tenant_name: 'no id' }), activeTenant('12345'), activeTenant('abcdefghijkl')],
      CRITERIA,
    );
    expect(selection.tenants).toEqual([]);
    expect(selection.invalidRecords).toEqual([
      { key: 'item #1 of the scan (no usable tenant_id)', reason: 'missing tenant_id attribute' },
      { key: 'tenant_id=12345', reason: 'tenant_id "12345" is not a 12-digit account ID' },
      { key: 'tenant_id=abcdefghijkl', reason: 'tenant_id "abcdefghijkl" is not a 12-digit account ID' },
    ]);
  });

  it('zero-pads a numeric tenant_id with a warning', () => {
    const selection = selectTenants([record({ tenant_id: 12345678901, status: 'active', service: 'AWS Cloud Usage' })], CRITERIA);
    expect(selection.tenants.map((t) => t.tenantId)).toEqual(['012345678901']);
    expect(selection.warnings[0]).toContain('numeric tenant_id padded to 012345678901');
  });

  it('reports attributes of the wrong type instead of crashing', () => {
    const selection = selectTenants(
      [
        item({
          tenant_id: { type: 'S', value: '111111111111' },
          status: { type: 'N', value: '1' },
          service: { type: 'S', value: 'AWS Cloud Usage' },
        }),
        item({
          tenant_id: { type: 'other', dynamoType: 'L' },
          status: { type: 'S', value: 'active' },
          service: { type: 'S', value: 'AWS Cloud Usage' },
        }),
        withAttributes(activeTenant('222222222222'), { external_id: { type: 'other', dynamoType: 'BOOL' } }),
      ],
      CRITERIA,
    );
    expect(selection.tenants).toEqual([]);
    expect(selection.invalidRecords.map((r) => r.reason)).toEqual([
      'attribute status must be a string (S), found N',
      'attribute tenant_id must be a string (S) or number (N), found L',
      'attribute external_id must be a string (S), found BOOL',
    ]);
  });

  it('collects a tenant whose items agree once', () => {
    const selection = selectTenants(
      [activeTenant('111111111111', { tenant_name: 'First' }), activeTenant('111111111111', { tenant_name: ' First ' })],
      CRITERIA,
    );
    expect(selection.tenants).toEqual([{ tenantId: '111111111111', tenantName: 'First', roleName: undefined, externalId: undefined }]);
    expect(selection.warnings).toEqual(['Tenant 111111111111 appears more than once in the table; it is collected once.']);
  });

  it('reports an item whose external_id is not a valid ExternalId without showing the value, and masks it from then on', () => {
    // Prepare
    const secrets = new SecretMasker();
    const bad = 'not valid: spaces and ! secret-42';
    // Act
    const selection = selectTenants(
      [keyed(activeTenant('111111111111', { external_id: bad }), { pk: 'tenant#1' }), activeTenant('222222222222', { external_id: 'x' })],
      CRITERIA,
      secrets,
    );
    // Assess
    expect(selection.invalidRecords).toEqual([
      {
        key: 'pk=tenant#1',
        reason: 'attribute external_id is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-); the value is not shown',
      },
      {
        key: 'tenant_id=222222222222',
        reason: 'attribute external_id is not a valid ExternalId (2-1224 of letters, digits and +=,.@:/-); the value is not shown',
      },
    ]);
    expect(JSON.stringify(selection)).not.toContain(bad);
    expect(secrets.mask(`echo ${bad}`)).toBe('echo ***');
  });

  it('reports a role_name that IAM would not accept, and keeps one with a path', () => {
    const selection = selectTenants(
      [
        activeTenant('111111111111', { role_name: 'team/ops/OrgMetaReader' }),
        activeTenant('222222222222', { role_name: 'Reader*' }),
        activeTenant('333333333333', { role_name: 'x'.repeat(65) }),
      ],
      CRITERIA,
    );
    expect(selection.tenants.map((t) => [t.tenantId, t.roleName])).toEqual([['111111111111', 'team/ops/OrgMetaReader']]);
    expect(selection.invalidRecords).toEqual([
      {
        key: 'tenant_id=222222222222',
        reason: 'role_name "Reader*" is not a valid IAM role name (an optional path, then 1-64 of letters, digits and +=,.@_-)',
      },
      { key: 'tenant_id=333333333333', reason: expect.stringContaining('is not a valid IAM role name') },
    ]);
  });

  it.each([
    ['a newline and a fake log line', 'x\nERROR Tenant 999999999999 failed: forged'],
    ['an ANSI escape', '\u001b[2J\u001b[31mred'],
    ['a Unicode line separator', 'x\u2028WARN forged'],
    ['300 KB', 'y'.repeat(300_000)],
  ])('keeps %s from the table on one short line in every key, reason and warning', (_, hostile) => {
    // Prepare: the hostile value in the key, the tenant_id, the role name, and a padded numeric ID's key.
    const records = [
      keyed(activeTenant(hostile), { pk: hostile }),
      activeTenant(hostile),
      keyed(activeTenant('111111111111', { role_name: hostile }), { pk: `role-${hostile}` }),
      keyed(record({ tenant_id: 12345, status: 'active', service: 'AWS Cloud Usage' }), { pk: hostile }),
    ];
    // Act
    const selection = selectTenants(records, CRITERIA);
    // Assess
    const texts = [...selection.invalidRecords.flatMap((r) => [r.key, r.reason]), ...selection.warnings];
    expect(selection.invalidRecords).toHaveLength(3);
    expect(selection.warnings).toHaveLength(1);
    for (const text of texts) {
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(text.length).toBeLessThan(1_000);
    }
  });

  it('reports every item of a tenant whose items disagree, naming what differs, and collects none of them', () => {
    // Prepare: the same tenant (once as a number) with another role and ExternalId; another tenant once.
    const records = [
      keyed(activeTenant('011111111111', { role_name: 'ReaderA', external_id: 'ext-a' }), { pk: 'tenant#1' }),
      keyed(activeTenant('222222222222'), { pk: 'tenant#2' }),
      keyed(record({ tenant_id: 11111111111, status: 'active', service: 'AWS Cloud Usage', role_name: 'ReaderB', external_id: 'ext-b' }), {
        pk: 'tenant#1-copy',
      }),
    ];
    // Act
    const selection = selectTenants(records, CRITERIA);
    // Assess
    expect(selection.tenants.map((t) => t.tenantId)).toEqual(['222222222222']);
    const reason =
      'tenant_id 011111111111 is in 2 items whose role_name, external_id differ (pk=tenant#1; pk=tenant#1-copy); keep one item per tenant';
    expect(selection.invalidRecords).toEqual([
      { key: 'pk=tenant#1', reason },
      { key: 'pk=tenant#1-copy', reason },
    ]);
    expect(JSON.stringify(selection.invalidRecords)).not.toContain('ext-a');
  });

  it('keeps the per-tenant role name and ExternalId', () => {
    const selection = selectTenants([activeTenant('111111111111', { role_name: 'CustomRole', external_id: 'ext-123' })], CRITERIA);
    expect(selection.tenants[0]).toMatchObject({ roleName: 'CustomRole', externalId: 'ext-123' });
  });
});
