import { resolveCollectConfig, type Account, type CollectConfig } from '../src';
import {
  ACCOUNT_DETAIL_FAMILIES,
  NO_DETAILS,
  callLimitsFor,
  collectAccountDetails,
  joinSorted,
  placementIds,
  startAccountDetails,
} from '../src/account-details';
import type { CollectionStage } from '../src/failures';
import { TenantCalls, type DetailStep } from '../src/tenant-calls';
import { FakeOrganizationAccess, account, organization, type FakeOrganization } from './fakes';

// What mutation testing found unasserted in account-details.ts and tenant-calls.ts: the IAM actions
// per flag, the step each call is reported under, which accounts Account Management is asked about,
// OU paths across pages, and how settle stops at the first failure.

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';

function config(flags: Record<string, unknown> = {}): CollectConfig {
  return resolveCollectConfig({
    flags,
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

async function readerFor(spec: Partial<FakeOrganization> = {}) {
  const access = new FakeOrganizationAccess({
    [MANAGEMENT]: { organization: organization(MANAGEMENT), accountPages: [[account(MANAGEMENT)]], ...spec },
  });
  const reader = await access.connect({ tenantId: MANAGEMENT, roleArn: 'arn:aws:iam::111111111111:role/r', roleSessionName: 's' });
  return { access, reader };
}

/** A step that runs the call and records the step it was given. */
function recordingStep() {
  const stages: CollectionStage[] = [];
  const step: DetailStep = (stage, action) => {
    stages.push(stage);
    return action();
  };
  return { step, stages };
}

const withPath = (a: Account, path: string): Account => ({ ...a, paths: [path] });

describe('the account detail families (what the reader role must allow per flag, docs/iam.md)', () => {
  it('names, per flag, its columns, the step a failure is reported under, and the IAM actions it needs', () => {
    expect(ACCOUNT_DETAIL_FAMILIES).toEqual([
      {
        flag: 'includeOuPath',
        columns: ['ou_id_path', 'parent_id'],
        stage: 'OuPaths',
        actions: [
          'organizations:ListRoots',
          'organizations:DescribeOrganizationalUnit',
          'organizations:ListOrganizationalUnitsForParent',
          'organizations:ListAccountsForParent',
        ],
      },
      {
        flag: 'includeDelegatedAdmins',
        columns: ['delegated_services'],
        stage: 'DelegatedAdmins',
        actions: ['organizations:ListDelegatedAdministrators', 'organizations:ListDelegatedServicesForAccount'],
      },
      {
        flag: 'includeContacts',
        columns: ['security_contact_email', 'billing_contact_email', 'operations_contact_email'],
        stage: 'AlternateContacts',
        actions: ['account:GetAlternateContact'],
      },
      { flag: 'includeRegions', columns: ['enabled_regions'], stage: 'EnabledRegions', actions: ['account:ListRegions'] },
    ]);
  });

  it('reports each call under the step of its flag', async () => {
    const { reader } = await readerFor({ delegated: { [MEMBER]: ['sso.amazonaws.com'] } });
    const flags = { 'ou-path': true, 'delegated-admins': true, regions: true, contacts: true };
    const { step, stages } = recordingStep();
    const calls = new TenantCalls(step);
    const details = startAccountDetails(reader, organization(MANAGEMENT), config(flags), calls, callLimitsFor(4));
    // The first page's Paths ask for the root and OU names; the second, without Paths, makes it a tree walk.
    details.addPage([withPath(account(MANAGEMENT), `o-abc/r-ab12/ou-ab12-11111111/${MANAGEMENT}`)]);
    details.addPage([account(MEMBER)]);
    await calls.settle();
    const count = (stage: CollectionStage) => stages.filter((s) => s === stage).length;
    expect([...new Set(stages)].sort()).toEqual(['AlternateContacts', 'DelegatedAdmins', 'EnabledRegions', 'OuPaths']);
    expect([count('OuPaths'), count('DelegatedAdmins'), count('AlternateContacts'), count('EnabledRegions')]).toEqual([3, 1, 6, 2]);
  });
});

describe('collectAccountDetails', () => {
  it('returns no details, and no row per account, without a detail flag', async () => {
    const { reader } = await readerFor();
    const details = await collectAccountDetails(reader, organization(MANAGEMENT), [account(MANAGEMENT)], config(), (_s, a) => a());
    expect(details).toBe(NO_DETAILS);
    expect(details.byAccount.size).toBe(0);
  });

  it('asks Account Management about active and pending accounts only, leaving the others empty, one row per account', async () => {
    const pending = { ...account('333333333333'), state: 'PENDING_ACTIVATION' };
    const closed = { ...account('444444444444'), state: 'CLOSED' };
    const { access, reader } = await readerFor({ regions: { self: ['us-east-1'], '333333333333': ['eu-west-1'] } });
    const details = await collectAccountDetails(
      reader,
      organization(MANAGEMENT),
      [account(MANAGEMENT), pending, closed],
      config({ regions: true }),
      (_s, a) => a(),
    );
    expect(access.calls).toEqual(['enabledRegions(self)', 'enabledRegions(333333333333)']);
    expect([...details.byAccount].map(([id, values]) => [id, Object.fromEntries(values)])).toEqual([
      [MANAGEMENT, { enabled_regions: 'us-east-1' }],
      ['333333333333', { enabled_regions: 'eu-west-1' }],
      ['444444444444', { enabled_regions: '' }],
    ]);
  });

  it('names the root as AWS does, falls back to Root when it has no name, and takes the deepest OU as parent', async () => {
    const accounts = [
      withPath(account(MANAGEMENT), `o-abc/r-ab12/${MANAGEMENT}`),
      withPath(account(MEMBER), `o-abc/r-cd34/ou-cd34-1/ou-cd34-2/ou-cd34-3/${MEMBER}`),
    ];
    const { reader } = await readerFor({ names: { 'r-ab12': 'Main', 'ou-cd34-1': 'A', 'ou-cd34-2': 'B', 'ou-cd34-3': 'C' } });
    const details = await collectAccountDetails(reader, organization(MANAGEMENT), accounts, config({ 'ou-path': true }), (_s, a) => a());
    expect(Object.fromEntries(details.ouPaths)).toEqual({ [MANAGEMENT]: 'Main', [MEMBER]: 'Root/A/B/C' });
    expect(details.byAccount.get(MEMBER)?.get('parent_id')).toBe('ou-cd34-3');
  });
});

describe('OU paths page by page', () => {
  function start(reader: Awaited<ReturnType<typeof readerFor>>['reader']) {
    const calls = new TenantCalls((_s, a) => a());
    const details = startAccountDetails(reader, organization(MANAGEMENT), config({ 'ou-path': true }), calls, callLimitsFor(4));
    return { calls, details };
  }

  it('walks the tree once, however many later pages come without Paths', async () => {
    const { access, reader } = await readerFor({ ouPaths: { [MANAGEMENT]: 'Root', [MEMBER]: 'Root/Dev', '333333333333': 'Root' } });
    const { calls, details } = start(reader);
    details.addPage([account(MANAGEMENT)]);
    details.addPage([account(MEMBER)]);
    details.addPage([withPath(account('333333333333'), 'o-abc/r-ab12/ou-ab12-1/333333333333')]);
    await calls.settle();
    expect(access.calls).toEqual(['accountOuPaths']);
    expect(details.result().ouPaths.get(MEMBER)).toBe('Root/Dev');
  });

  it('names the roots once across pages, and not at all while no account was listed', async () => {
    const { access, reader } = await readerFor();
    const { calls, details } = start(reader);
    details.addPage([]);
    expect(access.calls).toEqual([]);
    details.addPage([withPath(account(MANAGEMENT), `o-abc/r-ab12/${MANAGEMENT}`)]);
    details.addPage([withPath(account(MEMBER), `o-abc/r-ab12/${MEMBER}`)]);
    await calls.settle();
    expect(access.calls).toEqual(['rootNames']);
  });
});

describe('placementIds', () => {
  it('reads the root and the OUs from a Paths entry, with or without a trailing slash', () => {
    expect(placementIds('o-abc/r-ab12/ou-ab12-1/ou-ab12-2/222222222222/')).toEqual({ rootId: 'r-ab12', ouIds: ['ou-ab12-1', 'ou-ab12-2'] });
    expect(placementIds('o-abc/r-ab12/222222222222')).toEqual({ rootId: 'r-ab12', ouIds: [] });
  });

  it('has no placement for an entry without a root', () => {
    expect(placementIds('o-abc/222222222222')).toBeUndefined();
    expect(placementIds('')).toBeUndefined();
  });
});

describe('joinSorted', () => {
  it('joins with ; in ordinal order without repeats, whatever order the values come in', () => {
    const values = ['us-west-2', 'eu-west-1', 'ap-south-1', 'us-east-1', 'eu-west-1', 'ca-central-1'];
    const expected = 'ap-south-1;ca-central-1;eu-west-1;us-east-1;us-west-2';
    expect(joinSorted(values)).toBe(expected);
    expect(joinSorted([...values].reverse())).toBe(expected);
    expect(joinSorted(['b', 'B', 'a'])).toBe('B;a;b');
  });
});

describe('TenantCalls.settle', () => {
  it('throws the first failure without waiting for calls still in flight', async () => {
    const calls = new TenantCalls((_s, a) => a());
    calls.start('EnabledRegions', () => new Promise<void>(() => undefined));
    calls.start('AlternateContacts', async () => {
      throw new Error('refused');
    });
    await new Promise((resolve) => setImmediate(resolve));
    await expect(calls.settle()).rejects.toThrow('refused');
  });
});
