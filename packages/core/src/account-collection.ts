import { callLimitsFor, startAccountDetails, type CollectedDetails, type DetailFlag } from './account-details';
import type { CollectConfig } from './config';
import type { OrganizationReader } from './ports';
import { TenantCalls, type DetailStep } from './tenant-calls';
import type { Account, Organization } from './types';

/** Everything one tenant's organization answered: its accounts, their tags and details. */
export interface CollectedAccounts {
  readonly accounts: readonly Account[];
  /** Tags per account ID (accounts without tags are absent). */
  readonly tags: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly details: CollectedDetails;
}

/**
 * Lists the organization's accounts and, as each ListAccounts page arrives, starts that page's
 * per-account calls (tags and the details the configuration asks for) while the next page is
 * read: a tenant takes about as long as its slowest call budget, not the listing plus the rest.
 * Every call goes through `step` (the tenant's failure naming) and the reader's pacer; the first
 * failure stops what has not started and is what the tenant reports.
 */
export async function collectAccounts(
  reader: OrganizationReader,
  organization: Organization,
  config: Pick<CollectConfig, DetailFlag | 'accountConcurrency'>,
  step: DetailStep,
): Promise<CollectedAccounts> {
  const calls = new TenantCalls(step);
  const limits = callLimitsFor(config.accountConcurrency);
  const details = startAccountDetails(reader, organization, config, calls, limits);
  const accounts: Account[] = [];
  const tags = new Map<string, Map<string, string>>();
  try {
    await step('ListAccounts', async () => {
      for await (const page of reader.listAccounts()) {
        // A call of an earlier page failed: the tenant fails with it, so stop reading pages.
        if (calls.stopped) return;
        accounts.push(...page);
        for (const account of page) {
          calls.start(
            'ListTagsForResource',
            async () => {
              const found = await reader.listTags(account.id);
              // Stryker disable next-line ConditionalExpression,EqualityOperator: an untagged account reads as an empty map either way (buildReport).
              if (found.length > 0) tags.set(account.id, new Map(found.map((t) => [t.key, t.value])));
            },
            limits.organizations,
          );
        }
        details.addPage(page);
      }
    });
  } catch (error) {
    calls.fail(error);
  }
  await calls.settle();
  return { accounts, tags, details: details.result() };
}
