import { AccountClient, GetAlternateContactCommand, paginateListRegions } from '@aws-sdk/client-account';
import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListDelegatedAdministrators,
  paginateListDelegatedServicesForAccount,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
  type Account as SdkAccount,
} from '@aws-sdk/client-organizations';
import type { Account, AccountPage, AlternateContactType, Organization, OrganizationReader, OuPlacement, Tag } from '@orgmeta/core';

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
    ...(account.Paths && account.Paths.length > 0 ? { paths: account.Paths } : {}),
  };
}

// ListRegions' largest page: every Region of a partition in one call.
const REGIONS_PAGE_SIZE = 50;

/** What AWS answers for an account without that alternate contact. */
const NO_CONTACT = 'ResourceNotFoundException';

/**
 * One organization seen through one tenant's credentials; one client per tenant. Account
 * Management reads (alternate contacts, Regions) go through the tenant's Account client.
 */
export class SdkOrganizationReader implements OrganizationReader {
  constructor(
    private readonly client: OrganizationsClient,
    private readonly accountClient?: AccountClient,
    /** The pace of this reader's Organizations calls, as its pacer has learnt it. */
    private readonly pace?: () => number,
  ) {}

  organizationsRps(): number | undefined {
    return this.pace?.();
  }

  private get accounts(): AccountClient {
    if (!this.accountClient) throw new Error('This reader was built without an Account Management client');
    return this.accountClient;
  }

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
    for await (const page of this.listAccountPages()) yield page.accounts;
  }

  async *listAccountPages(startingToken?: string): AsyncIterable<AccountPage> {
    // The paginator follows NextToken even across empty pages.
    const pages = paginateListAccounts({ client: this.client, pageSize: ACCOUNTS_PAGE_SIZE, startingToken }, {});
    for await (const page of pages) {
      yield { accounts: (page.Accounts ?? []).map(toAccount), ...(page.NextToken ? { nextToken: page.NextToken } : {}) };
    }
  }

  async listTags(accountId: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    for await (const page of paginateListTagsForResource({ client: this.client }, { ResourceId: accountId })) {
      for (const tag of page.Tags ?? []) tags.push({ key: tag.Key ?? '', value: tag.Value ?? '' });
    }
    return tags;
  }

  async accountOuPaths(): Promise<ReadonlyMap<string, OuPlacement>> {
    const placements = new Map<string, OuPlacement>();
    const pending: { id: string; path: string; idPath: string }[] = [];
    for await (const page of paginateListRoots({ client: this.client }, {})) {
      for (const root of page.Roots ?? []) pending.push({ id: root.Id ?? '', path: root.Name ?? 'Root', idPath: root.Id ?? '' });
    }
    // Breadth-first walk from the root; every account sits under exactly one parent.
    for (let parent = pending.shift(); parent; parent = pending.shift()) {
      for await (const page of paginateListAccountsForParent({ client: this.client }, { ParentId: parent.id })) {
        for (const account of page.Accounts ?? []) {
          if (account.Id) placements.set(account.Id, { namePath: parent.path, idPath: parent.idPath, parentId: parent.id });
        }
      }
      for await (const page of paginateListOrganizationalUnitsForParent({ client: this.client }, { ParentId: parent.id })) {
        for (const ou of page.OrganizationalUnits ?? []) {
          pending.push({ id: ou.Id ?? '', path: `${parent.path}/${ou.Name ?? ou.Id}`, idPath: `${parent.idPath}/${ou.Id ?? ''}` });
        }
      }
    }
    return placements;
  }

  async rootNames(): Promise<ReadonlyMap<string, string>> {
    const names = new Map<string, string>();
    for await (const page of paginateListRoots({ client: this.client }, {})) {
      for (const root of page.Roots ?? []) if (root.Id) names.set(root.Id, root.Name ?? 'Root');
    }
    return names;
  }

  async organizationalUnitName(ouId: string): Promise<string> {
    const { OrganizationalUnit } = await this.client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }));
    return OrganizationalUnit?.Name ?? ouId;
  }

  async delegatedAdministrators(): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of paginateListDelegatedAdministrators({ client: this.client }, {})) {
      for (const admin of page.DelegatedAdministrators ?? []) if (admin.Id) ids.push(admin.Id);
    }
    return ids;
  }

  async delegatedServices(accountId: string): Promise<string[]> {
    const principals: string[] = [];
    for await (const page of paginateListDelegatedServicesForAccount({ client: this.client }, { AccountId: accountId })) {
      for (const service of page.DelegatedServices ?? []) if (service.ServicePrincipal) principals.push(service.ServicePrincipal);
    }
    return principals;
  }

  async alternateContactEmail(accountId: string | undefined, type: AlternateContactType): Promise<string | undefined> {
    try {
      const { AlternateContact } = await this.accounts.send(
        new GetAlternateContactCommand({ AlternateContactType: type, ...(accountId ? { AccountId: accountId } : {}) }),
      );
      return AlternateContact?.EmailAddress;
    } catch (error) {
      if ((error as { name?: string }).name === NO_CONTACT) return undefined;
      throw error;
    }
  }

  async enabledRegions(accountId: string | undefined): Promise<string[]> {
    const regions: string[] = [];
    const input = {
      RegionOptStatusContains: ['ENABLED' as const, 'ENABLED_BY_DEFAULT' as const],
      ...(accountId ? { AccountId: accountId } : {}),
    };
    for await (const page of paginateListRegions({ client: this.accounts, pageSize: REGIONS_PAGE_SIZE }, input)) {
      for (const region of page.Regions ?? []) if (region.RegionName) regions.push(region.RegionName);
    }
    return regions;
  }
}
