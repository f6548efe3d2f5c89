import pMap from 'p-map';
import type { CollectConfig } from './config';
import type { CollectionStage } from './failures';
import type { AlternateContactType, OrganizationReader, OuPlacement } from './ports';
import { DETAIL_COLUMNS, type DetailColumn } from './snapshot';
import type { Account, Organization } from './types';

/** The settings that each turn on a family of account details. */
export type DetailFlag = 'includeOuPath' | 'includeDelegatedAdmins' | 'includeContacts' | 'includeRegions';

/** One flag's account details: the columns it adds, the step that reads them, and what the reader role must allow. */
export interface AccountDetailFamily {
  readonly flag: DetailFlag;
  /** Detail columns (in SPEC order); `--ou-path` also fills the fixed `ou_path` column. */
  readonly columns: readonly DetailColumn[];
  /** The step a failure is reported under. */
  readonly stage: CollectionStage;
  /** IAM actions the tenant's reader role needs for this flag (and nothing else needs). */
  readonly actions: readonly string[];
}

/**
 * Which flags need which calls: the one list the pipeline, `check`, the failure hints and the
 * reader role read. Account Management calls also need trusted access for Account Management.
 */
export const ACCOUNT_DETAIL_FAMILIES: readonly AccountDetailFamily[] = [
  {
    flag: 'includeOuPath',
    columns: ['ou_id_path', 'parent_id'],
    stage: 'OuPaths',
    // DescribeOrganizationalUnit names the OUs of ListAccounts' Paths; the others walk the tree where there are none.
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
  {
    flag: 'includeRegions',
    columns: ['enabled_regions'],
    stage: 'EnabledRegions',
    actions: ['account:ListRegions'],
  },
];

/** The service principal whose trusted access Account Management calls with an AccountId need. */
export const ACCOUNT_MANAGEMENT_PRINCIPAL = 'account.amazonaws.com';

/** The families the configuration turns on, in column order. */
export function detailFamiliesFor(config: Pick<CollectConfig, DetailFlag>): AccountDetailFamily[] {
  return ACCOUNT_DETAIL_FAMILIES.filter((family) => config[family.flag]);
}

/** The detail columns a run with this configuration collects, in SPEC order. */
export function detailColumnsFor(config: Pick<CollectConfig, DetailFlag>): DetailColumn[] {
  const wanted = new Set(detailFamiliesFor(config).flatMap((family) => family.columns));
  return DETAIL_COLUMNS.filter((column) => wanted.has(column));
}

/** The contact columns, each with the alternate contact type it reads. */
export const CONTACT_COLUMNS: readonly { readonly column: DetailColumn; readonly type: AlternateContactType }[] = [
  { column: 'security_contact_email', type: 'SECURITY' },
  { column: 'billing_contact_email', type: 'BILLING' },
  { column: 'operations_contact_email', type: 'OPERATIONS' },
];

/** What the detail steps collected for one tenant. */
export interface CollectedDetails {
  readonly columns: readonly DetailColumn[];
  /** `ou_path` per account ID (empty without `--ou-path`). */
  readonly ouPaths: ReadonlyMap<string, string>;
  /** Detail values per account ID. */
  readonly byAccount: ReadonlyMap<string, ReadonlyMap<DetailColumn, string>>;
}

export const NO_DETAILS: CollectedDetails = { columns: [], ouPaths: new Map(), byAccount: new Map() };

/** Runs one detail step; the pipeline wraps it so a failure names the step, the AWS code and a fix. */
export type DetailStep = <T>(stage: CollectionStage, action: () => Promise<T>) => Promise<T>;

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `;`-separated, sorted (ordinal), without repeats: the cell of a multi-valued detail column. */
export function joinSorted(values: Iterable<string>): string {
  return [...new Set(values)].sort(ordinal).join(';');
}

/** The account's place from its Paths entry: `o-…/r-…/ou-…/…/<account>` (a trailing `/` or not). */
export function placementIds(path: string): { readonly rootId: string; readonly ouIds: readonly string[] } | undefined {
  const segments = path.split('/').filter(Boolean);
  const rootId = segments.find((segment) => segment.startsWith('r-'));
  if (!rootId) return undefined;
  return { rootId, ouIds: segments.filter((segment) => segment.startsWith('ou-')) };
}

/**
 * OU placements from ListAccounts' Paths: only the OUs that appear are named, each once
 * (DescribeOrganizationalUnit), and the roots once (ListRoots). Undefined when any account
 * came without Paths: then the caller walks the tree.
 */
async function placementsFromPaths(
  reader: OrganizationReader,
  accounts: readonly Account[],
  concurrency: number,
): Promise<Map<string, OuPlacement> | undefined> {
  const ids = new Map<string, { rootId: string; ouIds: readonly string[] }>();
  for (const account of accounts) {
    const parsed = account.paths?.[0] === undefined ? undefined : placementIds(account.paths[0]);
    if (!parsed) return undefined;
    ids.set(account.id, parsed);
  }
  if (ids.size === 0) return undefined;
  const rootNames = await reader.rootNames();
  const ouIds = [...new Set([...ids.values()].flatMap((p) => p.ouIds))];
  const ouNames = new Map<string, string>();
  await pMap(ouIds, async (ouId) => ouNames.set(ouId, await reader.organizationalUnitName(ouId)), { concurrency });
  const placements = new Map<string, OuPlacement>();
  for (const [accountId, { rootId, ouIds: path }] of ids) {
    placements.set(accountId, {
      namePath: [rootNames.get(rootId) ?? 'Root', ...path.map((ouId) => ouNames.get(ouId) ?? ouId)].join('/'),
      idPath: [rootId, ...path].join('/'),
      parentId: path.at(-1) ?? rootId,
    });
  }
  return placements;
}

/** Every delegated administrator's services: ListDelegatedAdministrators once, then one call per administrator. */
async function delegatedServicesByAccount(reader: OrganizationReader, concurrency: number): Promise<Map<string, string>> {
  const admins = await reader.delegatedAdministrators();
  const services = new Map<string, string>();
  await pMap(admins, async (accountId) => services.set(accountId, joinSorted(await reader.delegatedServices(accountId))), { concurrency });
  return services;
}

// Account Management answers for accounts that are open; a suspended or closed account is left empty rather than fail its tenant.
const READABLE_STATES = new Set(['ACTIVE', 'PENDING_ACTIVATION']);

/**
 * The account details the configuration asks for, read family by family (each under its own
 * step). Account Management calls name the management account by leaving AccountId out, as AWS
 * requires.
 */
export async function collectAccountDetails(
  reader: OrganizationReader,
  organization: Organization,
  accounts: readonly Account[],
  config: Pick<CollectConfig, DetailFlag | 'accountConcurrency'>,
  step: DetailStep,
): Promise<CollectedDetails> {
  const columns = detailColumnsFor(config);
  if (columns.length === 0 && !config.includeOuPath) return NO_DETAILS;
  const concurrency = config.accountConcurrency;
  const byAccount = new Map<string, Map<DetailColumn, string>>(accounts.map((a) => [a.id, new Map()]));
  const set = (accountId: string, column: DetailColumn, value: string) => byAccount.get(accountId)?.set(column, value);
  const ouPaths = new Map<string, string>();
  const callAs = (account: Account) => (account.id === organization.managementAccountId ? undefined : account.id);
  const readable = accounts.filter((account) => READABLE_STATES.has(account.state));

  if (config.includeOuPath) {
    const placements = await step(
      'OuPaths',
      async () => (await placementsFromPaths(reader, accounts, concurrency)) ?? reader.accountOuPaths(),
    );
    for (const account of accounts) {
      const placement = placements.get(account.id);
      ouPaths.set(account.id, placement?.namePath ?? '');
      set(account.id, 'ou_id_path', placement?.idPath ?? '');
      set(account.id, 'parent_id', placement?.parentId ?? '');
    }
  }
  if (config.includeDelegatedAdmins) {
    const services = await step('DelegatedAdmins', () => delegatedServicesByAccount(reader, concurrency));
    for (const account of accounts) set(account.id, 'delegated_services', services.get(account.id) ?? '');
  }
  // Contacts and Regions have separate Account Management budgets: read them side by side, so a
  // tenant takes as long as the slower of the two, not their sum. A failure stops both.
  let stopped = false;
  const unlessStopped = async <T>(work: () => Promise<T>): Promise<T> => {
    if (stopped) throw new Error('stopped: another detail step failed');
    return work();
  };
  const sideBySide: Promise<unknown>[] = [];
  if (config.includeContacts) {
    for (const account of accounts) for (const { column } of CONTACT_COLUMNS) set(account.id, column, '');
    sideBySide.push(
      step('AlternateContacts', () =>
        pMap(
          readable.flatMap((account) => CONTACT_COLUMNS.map((contact) => ({ account, ...contact }))),
          ({ account, column, type }) =>
            unlessStopped(async () => set(account.id, column, (await reader.alternateContactEmail(callAs(account), type)) ?? '')),
          { concurrency },
        ),
      ),
    );
  }
  if (config.includeRegions) {
    for (const account of accounts) set(account.id, 'enabled_regions', '');
    sideBySide.push(
      step('EnabledRegions', () =>
        pMap(
          readable,
          (account) =>
            unlessStopped(async () => set(account.id, 'enabled_regions', joinSorted(await reader.enabledRegions(callAs(account))))),
          { concurrency },
        ),
      ),
    );
  }
  await Promise.all(
    sideBySide.map((work) =>
      work.catch((error: unknown) => {
        stopped = true;
        throw error;
      }),
    ),
  );
  return { columns, ouPaths, byAccount };
}
