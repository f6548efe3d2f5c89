import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AccountClient, GetAlternateContactCommand, ListRegionsCommand, ResourceNotFoundException } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkOrganizationReader } from '../src';

// Shapes moto cannot produce: empty pages that still carry a NextToken, paged tags, answers with only the legacy Status.
describe('SdkOrganizationReader', () => {
  const organizations = mockClient(OrganizationsClient);
  beforeEach(() => organizations.reset());

  async function allAccounts(reader: SdkOrganizationReader) {
    const ids: string[] = [];
    for await (const page of reader.listAccounts()) ids.push(...page.map((a) => a.id));
    return ids;
  }

  it('follows NextToken across empty pages and asks for 20 accounts per page', async () => {
    const pages = [
      { Accounts: [{ Id: '111111111111', State: 'ACTIVE' as const }], NextToken: 't1' },
      { Accounts: [], NextToken: 't2' },
      { Accounts: [{ Id: '222222222222', State: 'SUSPENDED' as const }] },
    ];
    // The paginator reuses its input object, so keep a copy of each request as sent.
    const requests: object[] = [];
    organizations.on(ListAccountsCommand).callsFake((input: object) => {
      requests.push({ ...input });
      return pages.shift();
    });
    const ids = await allAccounts(new SdkOrganizationReader(new OrganizationsClient({ region: 'us-east-1' })));
    expect(ids).toEqual(['111111111111', '222222222222']);
    expect(requests).toEqual([{ MaxResults: 20 }, { MaxResults: 20, NextToken: 't1' }, { MaxResults: 20, NextToken: 't2' }]);
  });

  it('uses State, and the legacy Status where an answer has only that', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', State: 'PENDING_CLOSURE', Status: 'ACTIVE' },
        { Id: '222222222222', Status: 'SUSPENDED' },
      ],
    });
    const states: string[] = [];
    for await (const page of new SdkOrganizationReader(new OrganizationsClient({ region: 'us-east-1' })).listAccounts())
      states.push(...page.map((a) => a.state));
    expect(states).toEqual(['PENDING_CLOSURE', 'SUSPENDED']);
  });

  it("reads every page of an account's tags", async () => {
    organizations
      .on(ListTagsForResourceCommand)
      .resolvesOnce({ Tags: [{ Key: 'a', Value: '1' }], NextToken: 'n' })
      .resolvesOnce({ Tags: [{ Key: 'b', Value: '2' }] });
    const tags = await new SdkOrganizationReader(new OrganizationsClient({ region: 'us-east-1' })).listTags('111111111111');
    expect(tags).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('maps the organization description', async () => {
    organizations.on(DescribeOrganizationCommand).resolves({
      Organization: {
        Id: 'o-1',
        Arn: 'arn:aws:organizations::111111111111:organization/o-1',
        MasterAccountId: '111111111111',
        MasterAccountEmail: 'root@example.com',
      },
    });
    expect(await new SdkOrganizationReader(new OrganizationsClient({ region: 'us-east-1' })).describeOrganization()).toEqual({
      id: 'o-1',
      arn: 'arn:aws:organizations::111111111111:organization/o-1',
      managementAccountId: '111111111111',
      managementAccountEmail: 'root@example.com',
    });
  });
});

// Account Management answers moto cannot give: ListRegions (not implemented there) and its pages.
describe('SdkOrganizationReader (Account Management)', () => {
  const account = mockClient(AccountClient);
  beforeEach(() => account.reset());
  const reader = () =>
    new SdkOrganizationReader(new OrganizationsClient({ region: 'us-east-1' }), new AccountClient({ region: 'us-east-1' }));

  it('reads enabled Regions over every page (50 a page, the most AWS gives), asking only for ENABLED and ENABLED_BY_DEFAULT', async () => {
    const requests: object[] = [];
    const pages = [
      { Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' as const }], NextToken: 'n1' },
      { Regions: [{ RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' as const }] },
    ];
    account.on(ListRegionsCommand).callsFake((input: object) => {
      requests.push({ ...input });
      return pages.shift();
    });

    const regions = await reader().enabledRegions('222222222222');

    expect(regions).toEqual(['us-east-1', 'af-south-1']);
    expect(requests).toEqual([
      { AccountId: '222222222222', RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50 },
      { AccountId: '222222222222', RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50, NextToken: 'n1' },
    ]);
  });

  it('calls for its own account without an AccountId, and gives no email for a contact that is not set', async () => {
    account
      .on(GetAlternateContactCommand, { AlternateContactType: 'SECURITY' })
      .resolves({ AlternateContact: { EmailAddress: 'sec@example.com' } })
      .on(GetAlternateContactCommand, { AlternateContactType: 'BILLING' })
      .rejects(new ResourceNotFoundException({ message: 'No contact of the inputted alternate contact type found.', $metadata: {} }));

    expect(await reader().alternateContactEmail(undefined, 'SECURITY')).toBe('sec@example.com');
    expect(await reader().alternateContactEmail('222222222222', 'BILLING')).toBeUndefined();
    expect(account.commandCalls(GetAlternateContactCommand).map((c) => c.args[0].input)).toEqual([
      { AlternateContactType: 'SECURITY' },
      { AlternateContactType: 'BILLING', AccountId: '222222222222' },
    ]);
  });
});
