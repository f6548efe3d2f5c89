import { DETAIL_COLUMNS, type AccountWithDetails, type DetailColumn, type ReportRenderer, type TenantReport } from '@orgmeta/core';
import { stringify } from 'csv-stringify/sync';

/** One column of the report: its header and how each row's cell is made, declared together. */
export interface ReportColumn {
  /** The header. */
  readonly header: string;
  /** The cell of one account. */
  readonly cell: (report: TenantReport, account: AccountWithDetails) => string;
}

function isoTimestamp(date: Date | undefined): string {
  return date ? date.toISOString() : '';
}

/** The fixed columns of every report, in the order of docs/outputs.md; `tag:<Key>` columns follow. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: 'tenant_id', cell: (r) => r.tenant.tenantId },
  { header: 'tenant_name', cell: (r) => r.tenant.tenantName },
  { header: 'organization_id', cell: (r) => r.organization.id },
  { header: 'organization_arn', cell: (r) => r.organization.arn },
  { header: 'management_account_id', cell: (r) => r.organization.managementAccountId },
  { header: 'management_account_email', cell: (r) => r.organization.managementAccountEmail },
  { header: 'account_id', cell: (_, a) => a.id },
  { header: 'account_arn', cell: (_, a) => a.arn },
  { header: 'account_name', cell: (_, a) => a.name },
  { header: 'account_email', cell: (_, a) => a.email },
  { header: 'account_state', cell: (_, a) => a.state },
  { header: 'joined_method', cell: (_, a) => a.joinedMethod },
  { header: 'joined_timestamp', cell: (_, a) => isoTimestamp(a.joinedTimestamp) },
  { header: 'ou_path', cell: (_, a) => a.ouPath },
  { header: 'collected_at', cell: (r) => isoTimestamp(r.collectedAt) },
];

/** The fixed column headers, in order (derived from REPORT_COLUMNS). */
export const FIXED_COLUMNS: readonly string[] = REPORT_COLUMNS.map((c) => c.header);

/** A detail column (behind its flag): the account's collected value, empty where AWS has none. */
function detailColumn(header: DetailColumn): ReportColumn {
  return { header, cell: (_, account) => account.details?.get(header) ?? '' };
}

/** Every detail column, in the order they follow `collected_at` (each only when the run collected it). */
export const DETAIL_REPORT_COLUMNS: readonly ReportColumn[] = DETAIL_COLUMNS.map(detailColumn);

/** A `tag:<Key>` column: empty where the account does not carry the tag. */
function tagColumn(key: string): ReportColumn {
  return { header: `tag:${key}`, cell: (_, account) => account.tags.get(key) ?? '' };
}

/** Every column of one tenant's report: the fixed ones, the detail columns it collected, then one per tag key. */
export function reportColumnsOf(tagKeys: readonly string[], detailColumns: readonly string[] = []): ReportColumn[] {
  const details = DETAIL_REPORT_COLUMNS.filter((column) => detailColumns.includes(column.header));
  return [...REPORT_COLUMNS, ...details, ...tagKeys.map(tagColumn)];
}

/** How CSV cells are written. */
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

export function reportColumns(tagKeys: readonly string[], detailColumns: readonly string[] = []): string[] {
  return reportColumnsOf(tagKeys, detailColumns).map((c) => c.header);
}

/**
 * One tenant's report as RFC 4180 CSV: UTF-8, header row, `\n` line ends.
 * Pure: the same report always gives the same bytes.
 */
export function renderAccountsCsv(report: TenantReport, options: CsvOptions): string {
  const escape = cellEscaper(options);
  const columns = reportColumnsOf(report.tagKeys, report.detailColumns);
  const rows = report.accounts.map((account) => columns.map((column) => escape(column.cell(report, account))));
  return stringifyCsv([columns.map((c) => c.header), ...rows]);
}

/** What every data cell goes through: formula escaping, unless turned off. */
export function cellEscaper(options: CsvOptions): (value: string) => string {
  return options.escapeFormulas ? escapeFormula : (value: string) => value;
}

/** A header and rows as the product writes every CSV: RFC 4180, UTF-8, LF line ends. */
export function stringifyCsv(rows: readonly (readonly string[])[]): string {
  return stringify([...rows], {
    record_delimiter: 'unix',
    // csv-stringify quotes LF but not a lone CR, which RFC 4180 parsers treat as a line break.
    quoted_match: /\r/,
  });
}

/**
 * The renderer the pipeline takes (`PipelineDependencies.render`), with the run's options bound.
 *
 * @example
 * ```ts
 * const render = accountsCsvRenderer({ escapeFormulas: config.escapeFormulas });
 * ```
 */
export function accountsCsvRenderer(options: CsvOptions): ReportRenderer {
  return (report) => renderAccountsCsv(report, options);
}
