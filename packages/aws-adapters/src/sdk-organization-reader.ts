import {
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
  type Account as SdkAccount,
} from '@aws-sdk/client-organizations';
import type { Account, Organization, OrganizationReader, Tag } from '@orgmeta/core';

// AWS caps ListAccounts at 20 per page.
const ACCOUNTS_PAGE_SIZE = 20;

function toAccount(account: SdkAccount): Account {
  // `Status` was retired in favour of `State`; older answers carry only `Status`.
  const legacyStatus = (account as { Status?: string }).Status;
  return {
    id: account.Id ?? '',
    arn: account.Arn ?? '',
    name: account.Name ?? '',
    email: account.Email ?? '',
    state: account.State ?? legacyStatus ?? '',
    joinedMethod: account.JoinedMethod ?? '',
    joinedTimestamp: account.JoinedTimestamp,
  };
}

/** One organization seen through one tenant's credentials; one client per tenant. */
export class SdkOrganizationReader implements OrganizationReader {
  constructor(private readonly client: OrganizationsClient) {}

  async describeOrganization(): Promise<Organization> {
    const { Organization: org } = await this.client.send(new DescribeOrganizationCommand({}));
    return {
      id: org?.Id ?? '',
      arn: org?.Arn ?? '',
      managementAccountId: org?.MasterAccountId ?? '',
      managementAccountEmail: org?.MasterAccountEmail ?? '',
    };
  }

  async *listAccounts(): AsyncIterable<readonly Account[]> {
    // The paginator follows NextToken even across empty pages.
    for await (const page of paginateListAccounts({ client: this.client, pageSize: ACCOUNTS_PAGE_SIZE }, {})) {
      yield (page.Accounts ?? []).map(toAccount);
    }
  }

  async listTags(accountId: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    for await (const page of paginateListTagsForResource({ client: this.client }, { ResourceId: accountId })) {
      for (const tag of page.Tags ?? []) tags.push({ key: tag.Key ?? '', value: tag.Value ?? '' });
    }
    return tags;
  }

  async accountOuPaths(): Promise<ReadonlyMap<string, string>> {
    const paths = new Map<string, string>();
    const pending: { id: string; path: string }[] = [];
    for await (const page of paginateListRoots({ client: this.client }, {})) {
      for (const root of page.Roots ?? []) pending.push({ id: root.Id ?? '', path: root.Name ?? 'Root' });
    }
    // Breadth-first walk from the root; every account sits under exactly one parent.
    for (let parent = pending.shift(); parent; parent = pending.shift()) {
      for await (const page of paginateListAccountsForParent({ client: this.client }, { ParentId: parent.id })) {
        for (const account of page.Accounts ?? []) if (account.Id) paths.set(account.Id, parent.path);
      }
      for await (const page of paginateListOrganizationalUnitsForParent({ client: this.client }, { ParentId: parent.id })) {
        for (const ou of page.OrganizationalUnits ?? []) pending.push({ id: ou.Id ?? '', path: `${parent.path}/${ou.Name ?? ou.Id}` });
      }
    }
    return paths;
  }
}
