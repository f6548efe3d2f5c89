import pLimit from 'p-limit';
import type { CollectConfig } from './config';
import type { CollectionStage } from './failures';
import { TenantCalls, type CallLimit, type DetailStep } from './tenant-calls';
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

function ordinal(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator: only tells equal strings apart, and joinSorted sorts a Set
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `;`-separated, sorted (ordinal), without repeats: the cell of a multi-valued detail column. */
export function joinSorted(values: Iterable<string>): string {
  return [...new Set(values)].sort(ordinal).join(';');
}

/** An account's place by IDs: its root and the OUs from the root down. */
export interface PlacementIds {
  readonly rootId: string;
  readonly ouIds: readonly string[];
}

/** The account's place from its Paths entry: `o-…/r-…/ou-…/…/<account>` (a trailing `/` or not). */
export function placementIds(path: string): PlacementIds | undefined {
  // Stryker disable next-line MethodExpression: an empty segment (a leading or trailing /) starts with neither r- nor ou-
  const segments = path.split('/').filter(Boolean);
  const rootId = segments.find((segment) => segment.startsWith('r-'));
  if (!rootId) return undefined;
  return { rootId, ouIds: segments.filter((segment) => segment.startsWith('ou-')) };
}

/** Every delegated administrator's services: ListDelegatedAdministrators once, then one call per administrator. */
async function delegatedServicesByAccount(reader: OrganizationReader, limit: CallLimit): Promise<Map<string, string>> {
  const admins = await reader.delegatedAdministrators();
  const services = new Map<string, string>();
  await Promise.all(
    admins.map((accountId) => limit(async () => services.set(accountId, joinSorted(await reader.delegatedServices(accountId))))),
  );
  return services;
}

// Account Management answers for accounts that are open; a suspended or closed account is left empty rather than fail its tenant.
const READABLE_STATES = new Set(['ACTIVE', 'PENDING_ACTIVATION']);

/** The concurrency limits of one tenant's per-account calls: one per rate budget. */
export interface CallLimits {
  /** Organizations calls (tags, OU names), paced together. */
  readonly organizations: CallLimit;
  /** Account Management GetAlternateContact (its own documented rate). */
  readonly contacts: CallLimit;
  /** Account Management ListRegions (its own documented rate). */
  readonly regions: CallLimit;
}

export function callLimitsFor(concurrency: number): CallLimits {
  return { organizations: pLimit(concurrency), contacts: pLimit(concurrency), regions: pLimit(concurrency) };
}

/** A tenant's account details, collected page by page as ListAccounts answers. */
export interface AccountDetailsCollection {
  /** Starts the detail calls of one page of accounts (they run while the next page is read). */
  addPage(accounts: readonly Account[]): void;
  /** The details of every account added, once `calls` has settled. */
  result(): CollectedDetails;
}

/**
 * Starts collecting the account details the configuration asks for, through `calls` (each call
 * under its family's step). Per-organization calls start at once (delegated administrators); the
 * per-account ones start with each page. OU paths come from the accounts' Paths — only the OUs
 * that appear are named, each once, and the roots once — or, as soon as an account comes without
 * Paths, from one walk of the OU tree. Account Management calls name the management account by
 * leaving AccountId out, as AWS requires.
 */
export function startAccountDetails(
  reader: OrganizationReader,
  organization: Organization,
  config: Pick<CollectConfig, DetailFlag>,
  calls: TenantCalls,
  limits: CallLimits,
): AccountDetailsCollection {
  const columns = detailColumnsFor(config);
  const accounts: Account[] = [];
  const callAs = (account: Account) => (account.id === organization.managementAccountId ? undefined : account.id);
  const contacts = new Map<string, Map<DetailColumn, string>>();
  const regions = new Map<string, string>();
  let delegated = new Map<string, string>();
  const paths = startOuPaths(reader, calls, limits);

  if (config.includeDelegatedAdmins) {
    calls.start('DelegatedAdmins', async () => {
      delegated = await delegatedServicesByAccount(reader, limits.organizations);
    });
  }

  return {
    addPage(page) {
      accounts.push(...page);
      if (config.includeOuPath) paths.addPage(page);
      const readable = page.filter((account) => READABLE_STATES.has(account.state));
      if (config.includeContacts) {
        for (const account of readable) {
          const found = new Map<DetailColumn, string>();
          contacts.set(account.id, found);
          for (const { column, type } of CONTACT_COLUMNS) {
            calls.start(
              'AlternateContacts',
              async () => void found.set(column, (await reader.alternateContactEmail(callAs(account), type)) ?? ''),
              limits.contacts,
            );
          }
        }
      }
      if (config.includeRegions) {
        for (const account of readable) {
          calls.start(
            'EnabledRegions',
            async () => void regions.set(account.id, joinSorted(await reader.enabledRegions(callAs(account)))),
            limits.regions,
          );
        }
      }
    },
    result() {
      if (columns.length === 0 && !config.includeOuPath) return NO_DETAILS;
      const placements = config.includeOuPath ? paths.result() : new Map<string, OuPlacement>();
      const ouPaths = new Map<string, string>();
      const byAccount = new Map<string, Map<DetailColumn, string>>();
      for (const account of accounts) {
        const values = new Map<DetailColumn, string>();
        if (config.includeOuPath) {
          const placement = placements.get(account.id);
          ouPaths.set(account.id, placement?.namePath ?? '');
          values.set('ou_id_path', placement?.idPath ?? '');
          values.set('parent_id', placement?.parentId ?? '');
        }
        if (config.includeDelegatedAdmins) values.set('delegated_services', delegated.get(account.id) ?? '');
        if (config.includeContacts) {
          for (const { column } of CONTACT_COLUMNS) values.set(column, contacts.get(account.id)?.get(column) ?? '');
        }
        if (config.includeRegions) values.set('enabled_regions', regions.get(account.id) ?? '');
        byAccount.set(account.id, values);
      }
      return { columns, ouPaths, byAccount };
    },
  };
}

/** OU placements from Paths (naming each OU that appears once), or from one tree walk. */
function startOuPaths(
  reader: OrganizationReader,
  calls: TenantCalls,
  limits: CallLimits,
): { addPage(page: readonly Account[]): void; result(): ReadonlyMap<string, OuPlacement> } {
  const ids = new Map<string, PlacementIds>();
  const ouNames = new Map<string, string>();
  let rootNames: ReadonlyMap<string, string> | undefined;
  let walked: ReadonlyMap<string, OuPlacement> | undefined;
  let walking = false;
  let rootsAsked = false;

  const walk = () => {
    walking = true;
    calls.start('OuPaths', async () => {
      walked = await reader.accountOuPaths();
    });
  };

  return {
    addPage(page) {
      if (walking) return;
      const pagePlacements = new Map<string, PlacementIds>();
      for (const account of page) {
        const placement = account.paths?.[0] === undefined ? undefined : placementIds(account.paths[0]);
        // One account without Paths means this organization (or API) does not send them: walk instead.
        if (!placement) return walk();
        pagePlacements.set(account.id, placement);
      }
      for (const [accountId, placement] of pagePlacements) ids.set(accountId, placement);
      if (!rootsAsked && ids.size > 0) {
        rootsAsked = true;
        calls.start('OuPaths', async () => {
          rootNames = await reader.rootNames();
        });
      }
      for (const ouId of new Set([...pagePlacements.values()].flatMap((placement) => placement.ouIds))) {
        if (ouNames.has(ouId)) continue;
        ouNames.set(ouId, ouId);
        // A lookup queued before a later page made us walk the tree is no longer needed.
        calls.start(
          'OuPaths',
          async () => void (walking || ouNames.set(ouId, await reader.organizationalUnitName(ouId))),
          limits.organizations,
        );
      }
    },
    result() {
      if (walked) return walked;
      const placements = new Map<string, OuPlacement>();
      for (const [accountId, { rootId, ouIds }] of ids) {
        placements.set(accountId, {
          // Stryker disable next-line OptionalChaining: an account with Paths starts the roots call, and a failed call fails the tenant before result()
          namePath: [rootNames?.get(rootId) ?? 'Root', ...ouIds.map((ouId) => ouNames.get(ouId) ?? ouId)].join('/'),
          idPath: [rootId, ...ouIds].join('/'),
          parentId: ouIds.at(-1) ?? rootId,
        });
      }
      return placements;
    },
  };
}

/**
 * The account details of accounts already listed, all at once: a library caller's shortcut (the
 * pipeline starts them page by page, see account-collection.ts).
 */
export async function collectAccountDetails(
  reader: OrganizationReader,
  organization: Organization,
  accounts: readonly Account[],
  config: Pick<CollectConfig, DetailFlag | 'accountConcurrency'>,
  step: DetailStep,
): Promise<CollectedDetails> {
  const calls = new TenantCalls(step);
  const details = startAccountDetails(reader, organization, config, calls, callLimitsFor(config.accountConcurrency));
  details.addPage(accounts);
  await calls.settle();
  return details.result();
}
