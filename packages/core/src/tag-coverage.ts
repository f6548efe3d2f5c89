import type { AccountWithDetails, TenantReport } from './types';

/**
 * Required-tag coverage (SPEC Part 2): per tenant, how many ACTIVE accounts carry each
 * required tag key with a non-empty value, and which ACTIVE accounts miss any of them.
 * Accounts in any other state (SUSPENDED, PENDING_CLOSURE, …) are not counted: they are
 * on their way out and nobody tags them any more.
 */

/** The account state that coverage counts. */
export const COVERAGE_ACCOUNT_STATE = 'ACTIVE';

/** How one required key is covered in one tenant (or the whole fleet). */
export interface TagKeyCoverage {
  readonly key: string;
  /** ACTIVE accounts carrying the key with a non-empty (trimmed) value. */
  readonly present: number;
  /** ACTIVE accounts without it (absent, empty or whitespace only). */
  readonly missing: number;
  /** `present / activeAccounts` in [0, 1]; `null` when there is no ACTIVE account to measure. */
  readonly share: number | null;
}

/** An ACTIVE account that lacks one or more required tags. */
export interface AccountMissingTags {
  /** The account ID. */
  readonly accountId: string;
  /** The account name. */
  readonly accountName: string;
  /** The keys it lacks, in `--required-tags` order. */
  readonly missingKeys: readonly string[];
}

/** One tenant's required-tag coverage (`--required-tags`). */
export interface TagCoverage {
  readonly tenantId: string;
  /** The required keys, in `--required-tags` order. */
  readonly requiredTags: readonly string[];
  /** ACTIVE accounts counted. */
  readonly activeAccounts: number;
  /** ACTIVE accounts that carry every required key. */
  readonly fullyTagged: number;
  /** One entry per required key, in `--required-tags` order. */
  readonly keys: readonly TagKeyCoverage[];
  /** How many ACTIVE accounts miss at least one key (the full count, even when the list below is cut). */
  readonly accountsMissing: number;
  /**
   * The ACTIVE accounts missing at least one key, sorted by account ID. `tagCoverage` lists them
   * all; `limitAccountsMissing` keeps the first few for the manifest and the HTML page.
   */
  readonly accountsMissingTags: readonly AccountMissingTags[];
}

/** `part / whole`, or `null` when there is nothing to measure (no ACTIVE account). */
export function coverageShare(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function hasValue(account: AccountWithDetails, key: string): boolean {
  const value = account.tags.get(key);
  return value !== undefined && value.trim() !== '';
}

/**
 * Coverage of `requiredKeys` in one tenant. It reads each account's full tag map, not only
 * the report's tag columns (`--tag-keys` may leave a required key out of the CSV).
 * Duplicate and blank keys in `requiredKeys` are dropped; the order is kept.
 */
export function tagCoverage(report: TenantReport, requiredKeys: readonly string[]): TagCoverage {
  const requiredTags = [...new Set(requiredKeys.filter((key) => key !== ''))];
  const active = report.accounts
    .filter((account) => account.state === COVERAGE_ACCOUNT_STATE)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, V8's sort only tells a negative result from the rest
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const accountsMissingTags: AccountMissingTags[] = [];
  for (const account of active) {
    const missingKeys = requiredTags.filter((key) => !hasValue(account, key));
    if (missingKeys.length > 0) accountsMissingTags.push({ accountId: account.id, accountName: account.name, missingKeys });
  }

  const keys = requiredTags.map((key): TagKeyCoverage => {
    const present = active.filter((account) => hasValue(account, key)).length;
    return { key, present, missing: active.length - present, share: coverageShare(present, active.length) };
  });

  return {
    tenantId: report.tenant.tenantId,
    requiredTags,
    activeAccounts: active.length,
    fullyTagged: active.length - accountsMissingTags.length,
    keys,
    accountsMissing: accountsMissingTags.length,
    accountsMissingTags,
  };
}

/**
 * The same coverage with at most `max` accounts listed (the first by account ID), for outputs
 * that must stay small whatever the organization's size: the run manifest and the HTML page.
 * `accountsMissing` keeps the full count; `tag-coverage.csv` is where the full list goes.
 */
export function limitAccountsMissing(coverage: TagCoverage, max: number): TagCoverage {
  if (coverage.accountsMissingTags.length <= max) return coverage;
  return { ...coverage, accountsMissingTags: coverage.accountsMissingTags.slice(0, Math.max(0, max)) };
}
