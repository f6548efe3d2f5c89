import { collectAccounts, resolveCollectConfig, type Account, type CollectConfig, type DetailStep, type OrganizationReader } from '../src';
import { AwsError, account, organization } from './fakes';

const MANAGEMENT = '111111111111';

function config(flags: Record<string, unknown> = {}): CollectConfig {
  return resolveCollectConfig({
    flags: { 'account-concurrency': 4, ...flags },
    env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader', REPORT_BUCKET_NAME: 'reports' },
  });
}

/** Names the step a failure happened in, as the pipeline's step does. */
const namingStep: DetailStep = async (stage, action) => {
  try {
    return await action();
  } catch (error) {
    throw new Error(`${stage}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Resolves when `condition` holds, or rejects after a second (the caller's test then fails with `what`). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function id(n: number): string {
  return String(200000000000 + n);
}

/**
 * A reader whose second ListAccounts page is only served once the first page's per-account calls
 * have started: a collection that waits for the last page before tagging never gets there.
 */
function pipelinedReader(pages: readonly (readonly Account[])[], options: { failTagsOf?: string } = {}) {
  const log: string[] = [];
  const reader: OrganizationReader = {
    describeOrganization: async () => organization(MANAGEMENT),
    listAccounts: async function* () {
      for (const [index, page] of pages.entries()) {
        if (index > 0) {
          const previous = pages[index - 1];
          await until(() => previous.every((a) => log.includes(`tags ${a.id}`)), `tags of page ${index} before page ${index + 1}`);
        }
        log.push(`page ${index + 1}`);
        yield page;
      }
    },
    listTags: async (accountId) => {
      log.push(`tags ${accountId}`);
      if (accountId === options.failTagsOf) throw new AwsError('AccessDeniedException', 'not allowed');
      return [{ key: 'Owner', value: `owner-${accountId}` }];
    },
    accountOuPaths: async () => new Map(),
    rootNames: async () => new Map([['r-ab12', 'Root']]),
    organizationalUnitName: async (ouId) => {
      log.push(`ou ${ouId}`);
      return `name-${ouId}`;
    },
    delegatedAdministrators: async () => [],
    delegatedServices: async () => [],
    alternateContactEmail: async (accountId, type) => {
      log.push(`contact ${type} ${accountId}`);
      return `${type.toLowerCase()}@example.com`;
    },
    enabledRegions: async (accountId) => {
      log.push(`regions ${accountId}`);
      return ['us-east-1', 'eu-west-1'];
    },
  };
  return { reader, log };
}

describe('collectAccounts', () => {
  it('starts a page’s tag, contact and Region calls before the next ListAccounts page is read', async () => {
    const pages = [[account(id(1)), account(id(2))], [account(id(3)), account(id(4))], [account(id(5))]];
    const { reader, log } = pipelinedReader(pages);

    const collected = await collectAccounts(reader, organization(MANAGEMENT), config({ contacts: true, regions: true }), namingStep);

    expect(collected.accounts.map((a) => a.id)).toEqual([1, 2, 3, 4, 5].map(id));
    expect(collected.tags.get(id(4))?.get('Owner')).toBe(`owner-${id(4)}`);
    expect(collected.details.byAccount.get(id(5))?.get('enabled_regions')).toBe('eu-west-1;us-east-1');
    expect(collected.details.byAccount.get(id(2))?.get('billing_contact_email')).toBe('billing@example.com');
    // The first page's contacts were asked before the last page was served.
    expect(log.indexOf(`contact SECURITY ${id(1)}`)).toBeLessThan(log.indexOf('page 3'));
    expect(log.filter((entry) => entry.startsWith('tags'))).toHaveLength(5);
  });

  it('names each OU of the Paths once across pages', async () => {
    const pages = [
      [{ ...account(id(1)), paths: [`o-abc/r-ab12/ou-ab12-11111111/${id(1)}/`] }],
      [{ ...account(id(2)), paths: [`o-abc/r-ab12/ou-ab12-11111111/ou-ab12-22222222/${id(2)}/`] }],
    ];
    const { reader, log } = pipelinedReader(pages);

    const collected = await collectAccounts(reader, organization(MANAGEMENT), config({ 'ou-path': true }), namingStep);

    expect(collected.details.ouPaths.get(id(2))).toBe('Root/name-ou-ab12-11111111/name-ou-ab12-22222222');
    expect(log.filter((entry) => entry.startsWith('ou ')).sort()).toEqual(['ou ou-ab12-11111111', 'ou ou-ab12-22222222']);
  });

  it('stops reading pages once a call of an earlier page failed, and reports that call’s step', async () => {
    const pages = [[account(id(1)), account(id(2))], [account(id(3))], [account(id(4))], [account(id(5))]];
    const { reader, log } = pipelinedReader(pages, { failTagsOf: id(3) });

    await expect(collectAccounts(reader, organization(MANAGEMENT), config(), namingStep)).rejects.toThrow(
      'ListTagsForResource: not allowed',
    );
    // The page already asked for when the call failed is dropped; no later page is asked for.
    expect(log).not.toContain(`tags ${id(4)}`);
    expect(log).not.toContain('page 4');
  });

  it('reports a ListAccounts failure under ListAccounts, even after a page was tagged', async () => {
    const failing: OrganizationReader = {
      ...pipelinedReader([]).reader,
      listAccounts: async function* () {
        yield [account(id(1))];
        throw new AwsError('TooManyRequestsException', 'slow down');
      },
    };

    await expect(collectAccounts(failing, organization(MANAGEMENT), config(), namingStep)).rejects.toThrow('ListAccounts: slow down');
  });
});
