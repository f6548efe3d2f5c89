import type { AccountWithDetails, ReportRenderer, TenantReport } from '@orgmeta/core';
import { stringify } from 'csv-stringify/sync';

/** The fixed columns of every report, in order; `tag:<Key>` columns follow. */
export const FIXED_COLUMNS = [
  'tenant_id',
  'tenant_name',
  'organization_id',
  'organization_arn',
  'management_account_id',
  'management_account_email',
  'account_id',
  'account_arn',
  'account_name',
  'account_email',
  'account_state',
  'joined_method',
  'joined_timestamp',
  'ou_path',
  'collected_at',
] as const;

export interface CsvOptions {
  /** Prefix cells a spreadsheet would run as a formula with `'` (OWASP CSV injection). */
  readonly escapeFormulas: boolean;
}

// OWASP's list plus a leading LF (csv-stringify's own escape_formulas misses it) and the
// full-width forms spreadsheets also accept as formula starts.
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function reportColumns(tagKeys: readonly string[]): string[] {
  return [...FIXED_COLUMNS, ...tagKeys.map((key) => `tag:${key}`)];
}

function isoTimestamp(date: Date | undefined): string {
  return date ? date.toISOString() : '';
}

function rowCells(report: TenantReport, account: AccountWithDetails): string[] {
  const { tenant, organization } = report;
  return [
    tenant.tenantId,
    tenant.tenantName,
    organization.id,
    organization.arn,
    organization.managementAccountId,
    organization.managementAccountEmail,
    account.id,
    account.arn,
    account.name,
    account.email,
    account.state,
    account.joinedMethod,
    isoTimestamp(account.joinedTimestamp),
    account.ouPath,
    isoTimestamp(report.collectedAt),
    ...report.tagKeys.map((key) => account.tags.get(key) ?? ''),
  ];
}

/**
 * One tenant's report as RFC 4180 CSV: UTF-8, header row, `\n` line ends.
 * Pure: the same report always gives the same bytes.
 */
export function renderAccountsCsv(report: TenantReport, options: CsvOptions): string {
  const escape = cellEscaper(options);
  const rows = report.accounts.map((account) => rowCells(report, account).map(escape));
  return toCsv([reportColumns(report.tagKeys), ...rows]);
}

/** What every data cell goes through: formula escaping, unless turned off. */
export function cellEscaper(options: CsvOptions): (value: string) => string {
  return options.escapeFormulas ? escapeFormula : (value: string) => value;
}

/** A header and rows as the product writes every CSV: RFC 4180, UTF-8, `\n` line ends. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return stringify([...rows], {
    record_delimiter: 'unix',
    // csv-stringify quotes LF but not a lone CR, which RFC 4180 parsers treat as a line break.
    quoted_match: /\r/,
  });
}

/** The renderer the pipeline takes, with the run's options bound. */
export function accountsCsvRenderer(options: CsvOptions): ReportRenderer {
  return (report) => renderAccountsCsv(report, options);
}
