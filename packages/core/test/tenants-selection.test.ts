import { type TenantAttribute } from '../src';
import { selectTenants } from '../src/tenants';
import { activeTenant, keyed, record, withAttributes } from './fakes';

const CRITERIA = { status: 'active', service: 'AWS Cloud Usage' };
const N = (value: string): TenantAttribute => ({ type: 'N', value });

function reasons(records: Parameters<typeof selectTenants>[0]): string[] {
  return selectTenants(records, CRITERIA).invalidRecords.map((r) => r.reason);
}

describe('selectTenants: which items are selected', () => {
  it('compares status and service by lower case, not upper case (ß is not ss)', () => {
    const selection = selectTenants([record({ tenant_id: '111111111111', status: 'active', service: 'ß' })], {
      status: 'active',
      service: 'ss',
    });
    expect(selection.tenants).toEqual([]);
  });

  it('leaves an item without a status or a service out, without calling it invalid', () => {
    const selection = selectTenants(
      [record({ tenant_id: '111111111111', service: 'AWS Cloud Usage' }), record({ tenant_id: '222222222222', status: 'active' })],
      CRITERIA,
    );
    expect(selection).toEqual({ tenants: [], invalidRecords: [], warnings: [] });
  });

  it('reports a service or status of the wrong type for every item, selected or not', () => {
    expect(reasons([withAttributes(activeTenant('111111111111'), { service: N('1') })])).toEqual([
      'attribute service must be a string (S), found N',
    ]);
    expect(reasons([withAttributes(activeTenant('111111111111'), { status: N('1') })])).toEqual([
      'attribute status must be a string (S), found N',
    ]);
  });

  it('reports tenant_name, role_name or external_id of the wrong type on a selected item', () => {
    for (const name of ['tenant_name', 'role_name', 'external_id']) {
      expect(reasons([withAttributes(activeTenant('111111111111'), { [name]: N('7') })])).toEqual([
        `attribute ${name} must be a string (S), found N`,
      ]);
    }
  });
});

describe('selectTenants: tenant IDs', () => {
  it('trims a string tenant_id and wants exactly 12 digits', () => {
    expect(selectTenants([activeTenant(' 111111111111 ')], CRITERIA).tenants.map((t) => t.tenantId)).toEqual(['111111111111']);
    expect(reasons([activeTenant('x111111111111'), activeTenant('1111111111112'), activeTenant('11111111111x')])).toEqual([
      'tenant_id "x111111111111" is not a 12-digit account ID',
      'tenant_id "1111111111112" is not a 12-digit account ID',
      'tenant_id "11111111111x" is not a 12-digit account ID',
    ]);
  });

  it('accepts a numeric tenant_id of up to 12 digits, warning only when it had to pad', () => {
    const twelve = selectTenants([withAttributes(activeTenant('x'), { tenant_id: N('111111111111') })], CRITERIA);
    expect(twelve.tenants.map((t) => t.tenantId)).toEqual(['111111111111']);
    expect(twelve.warnings).toEqual([]);
    const padded = selectTenants([withAttributes(activeTenant('x'), { tenant_id: N(' 42 ') })], CRITERIA);
    expect(padded.tenants.map((t) => t.tenantId)).toEqual(['000000000042']);
    expect(padded.warnings).toEqual([
      'Tenant tenant_id= 42 : numeric tenant_id padded to 000000000042; store it as a 12-digit string to avoid losing leading zeros.',
    ]);
  });

  it('refuses a numeric tenant_id that is not a whole number of at most 12 digits', () => {
    expect(reasons(['1234567890123', '12.5', '-12', '1e5'].map((n) => withAttributes(activeTenant('x'), { tenant_id: N(n) })))).toEqual([
      'tenant_id 1234567890123 is not a 12-digit account ID',
      'tenant_id 12.5 is not a 12-digit account ID',
      'tenant_id -12 is not a 12-digit account ID',
      'tenant_id 1e5 is not a 12-digit account ID',
    ]);
  });
});

describe('selectTenants: what a selected tenant carries', () => {
  it('takes a valid role name trimmed, an empty one as none, and the name trimmed or empty', () => {
    const selection = selectTenants(
      [
        activeTenant('111111111111', { role_name: ' Reader ', tenant_name: ' Acme ' }),
        activeTenant('222222222222', { role_name: '   ' }),
        activeTenant('333333333333', { role_name: 'path/Reader' }),
      ],
      CRITERIA,
    );
    expect(selection.invalidRecords).toEqual([]);
    expect(selection.tenants.map((t) => [t.tenantId, t.roleName, t.tenantName])).toEqual([
      ['111111111111', 'Reader', 'Acme'],
      ['222222222222', undefined, ''],
      ['333333333333', 'path/Reader', ''],
    ]);
  });
});

describe('selectTenants: items that disagree', () => {
  it('names at most five of the items and counts the rest', () => {
    const items = Array.from({ length: 7 }, (_, i) => keyed(activeTenant('111111111111', { tenant_name: `n${i}` }), { pk: `t#${i}` }));
    expect(reasons(items)[0]).toBe(
      'tenant_id 111111111111 is in 7 items whose tenant_name differ (pk=t#0; pk=t#1; pk=t#2; pk=t#3; pk=t#4; 2 more); keep one item per tenant',
    );
    const five = items.slice(0, 5);
    expect(reasons(five)[0]).toBe(
      'tenant_id 111111111111 is in 5 items whose tenant_name differ (pk=t#0; pk=t#1; pk=t#2; pk=t#3; pk=t#4); keep one item per tenant',
    );
  });

  it('lists invalid items in table order, those of a conflicting tenant included', () => {
    const selection = selectTenants(
      [
        keyed(activeTenant('111111111111', { tenant_name: 'a' }), { pk: 'first' }),
        keyed(activeTenant('12345'), { pk: 'second' }),
        keyed(activeTenant('111111111111', { tenant_name: 'b' }), { pk: 'third' }),
        keyed(activeTenant('6789'), { pk: 'fourth' }),
      ],
      CRITERIA,
    );
    expect(selection.invalidRecords.map((r) => r.key)).toEqual(['pk=first', 'pk=second', 'pk=third', 'pk=fourth']);
  });
});
