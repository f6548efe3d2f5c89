import type { TagCoverage } from '@orgmeta/core';
import { cellEscaper, stringifyCsv } from './accounts-csv';
import type { CsvOptions } from './accounts-csv';

/** The columns of `tag-coverage.csv`, in order (SPEC Part 2, "Required-tag coverage"). */
export const TAG_COVERAGE_COLUMNS = ['tenant_id', 'account_id', 'account_name', 'missing_tags'] as const;

/** Joins the missing keys of one account. AWS tag keys cannot contain `;`, so the list splits back unambiguously. */
export const MISSING_TAGS_SEPARATOR = ';';

/**
 * `tag-coverage.csv` of one tenant: a row per ACTIVE account missing one or more required tags,
 * sorted by account ID, with the missing keys in `--required-tags` order. A header-only file
 * means every ACTIVE account carries every required tag. Same quoting, line ends and formula
 * escaping as the accounts report. Pass the coverage as `tagCoverage` computed it (the full list).
 */
export function renderTagCoverageCsv(coverage: TagCoverage, options: CsvOptions): string {
  if (coverage.accountsMissingTags.length !== coverage.accountsMissing) {
    // A cut list (limitAccountsMissing) would make a silently incomplete file.
    throw new RangeError(
      `tag-coverage.csv needs every account missing tags: got ${coverage.accountsMissingTags.length} of ${coverage.accountsMissing}`,
    );
  }
  const escape = cellEscaper(options);
  const rows = [...coverage.accountsMissingTags]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((account) =>
      [coverage.tenantId, account.accountId, account.accountName, account.missingKeys.join(MISSING_TAGS_SEPARATOR)].map(escape),
    );
  return stringifyCsv([[...TAG_COVERAGE_COLUMNS], ...rows]);
}
