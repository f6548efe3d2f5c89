import { collectAccounts } from '../src/account-collection';
import { resolveCollectConfig, type Account, type CollectConfig, type OrganizationReader } from '../src';
import type { DetailStep } from '../src/tenant-calls';
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
    rootNames: async () => {
      log.push('roots');
      return new Map([['r-ab12', 'Root']]);
    },
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
    expect(log.filter((entry) => entry === 'roots')).toHaveLength(1);
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

  it('asks for no further page once a call failed, even when pages come without waiting', async () => {
    const log: string[] = [];
    const reader: OrganizationReader = {
      ...pipelinedReader([]).reader,
      listAccounts: async function* () {
        for (let page = 1; page <= 6; page += 1) {
          log.push(`page ${page}`);
          yield [account(id(page))];
          // Time for the page's calls to run (and fail) before the next page is asked for.
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      },
      listTags: async (accountId) => {
        if (accountId === id(2)) throw new AwsError('AccessDeniedException', 'not allowed');
        return [];
      },
    };

    await expect(collectAccounts(reader, organization(MANAGEMENT), config(), namingStep)).rejects.toThrow(
      'ListTagsForResource: not allowed',
    );
    expect(log).toEqual(['page 1', 'page 2', 'page 3']);
  });

  it('walks the OU tree once a later page comes without Paths, and names no OU of the pages after it', async () => {
    const walked = new Map([[id(1), { namePath: 'Root/Walked', idPath: 'r-ab12/ou-ab12-99999999', parentId: 'ou-ab12-99999999' }]]);
    const log: string[] = [];
    const reader: OrganizationReader = {
      ...pipelinedReader([]).reader,
      listAccounts: async function* () {
        yield [{ ...account(id(1)), paths: [`o-abc/r-ab12/ou-ab12-11111111/${id(1)}/`] }];
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield [account(id(2))];
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield [{ ...account(id(3)), paths: [`o-abc/r-ab12/ou-ab12-33333333/${id(3)}/`] }];
      },
      accountOuPaths: async () => {
        log.push('walk');
        return walked;
      },
      organizationalUnitName: async (ouId) => {
        log.push(`ou ${ouId}`);
        return ouId;
      },
    };

    const collected = await collectAccounts(reader, organization(MANAGEMENT), config({ 'ou-path': true }), namingStep);

    expect(log.filter((entry) => entry === 'walk')).toHaveLength(1);
    expect(log).not.toContain('ou ou-ab12-33333333');
    expect(collected.details.ouPaths.get(id(1))).toBe('Root/Walked');
    // An account the walk did not place has empty OU cells, not a guess.
    expect(collected.details.ouPaths.get(id(3))).toBe('');
    expect(Object.fromEntries(collected.details.byAccount.get(id(3)) ?? [])).toEqual({ ou_id_path: '', parent_id: '' });
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
