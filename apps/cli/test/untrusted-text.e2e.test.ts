import type { RunSummary } from '@orgmeta/core';
import { createBucket, seedOrganization, seedTenantTable, tenantItem } from '@orgmeta/test-support';
import { motoEndpoint, orgmeta } from './support/e2e';

const TABLE = 'untrusted-e2e-tenants';
const BUCKET = 'untrusted-e2e-reports';
const NEWLINE_NAME = '106000000001';
const ANSI_NAME = '106000000002';
const SEPARATOR_NAME = '106000000003';
const HUGE_NAME = '106000000004';
const HOSTILE_ROLE = '106000000005';
// Its role_name is not a valid IAM role name, so its item is skipped as invalid (named by its key).
const TENANT_IDS = [NEWLINE_NAME, ANSI_NAME, SEPARATOR_NAME, HUGE_NAME];

// What a forged line would look like: a real-looking log line, and a real-looking table row.
const FORGED_LOG = 'INFO  Tenant 999999999999: 7 account(s) collected';
const FORGED_ROW = '999999999999  Forged  succeeded';
const FORGED_START = /^(INFO|WARN|ERROR|DEBUG)?\s*(Tenant )?999999999999/;

// Control characters except LF, the C1 controls, and the Unicode line and paragraph separators.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const FEW_KB = 4096;

const HUGE = 'H'.repeat(300_000);

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/**
 * Nothing in the output can pass for a line of its own, move the cursor, or run for pages.
 * Problems are listed briefly, so a failure shows which line went wrong, not 300 KB of it.
 */
function forgeryProblems(output: string): string[] {
  const problems: string[] = [];
  const unsafe = UNSAFE.exec(output);
  if (unsafe)
    problems.push(
      `U+${unsafe[0].charCodeAt(0).toString(16).padStart(4, '0')} near "${output.slice(Math.max(0, unsafe.index - 40), unsafe.index)}"`,
    );
  for (const line of lines(output)) {
    if (FORGED_START.test(line)) problems.push(`forged line: ${line.slice(0, 80)}`);
    if (line.length >= FEW_KB) problems.push(`${line.length}-character line: ${line.slice(0, 80)}`);
  }
  return problems;
}

function expectNoForgedLines(output: string): void {
  expect(forgeryProblems(output)).toEqual([]);
}

/** toContain, without printing hundreds of KB of output when it fails. */
function expectToInclude(output: string, text: string): void {
  expect(output.includes(text) ? text : `(not in the ${output.length}-character output) ${text}`).toBe(text);
}

describe('untrusted text from the tenant table and AWS in logs and tables (end to end)', () => {
  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await seedOrganization(endpoint, {
      managementAccountId: NEWLINE_NAME,
      // Account names and tag values are customer-typed too; they reach the CSV, never a line of output.
      accounts: [{ name: `acct\n${FORGED_LOG}`, email: 'a@example.com', tags: [{ key: 'Owner', value: `\u001b[2J${FORGED_ROW}` }] }],
    });
    for (const id of [ANSI_NAME, SEPARATOR_NAME, HUGE_NAME, HOSTILE_ROLE])
      await seedOrganization(endpoint, { managementAccountId: id, accounts: [] });
    await seedTenantTable(endpoint, TABLE, [
      tenantItem(NEWLINE_NAME, { name: `Evil Corp\n${FORGED_LOG}\n${FORGED_ROW}` }),
      tenantItem(ANSI_NAME, { name: '\u001b[2J\u001b[31mClear screen\u001b[0m' }),
      tenantItem(SEPARATOR_NAME, { name: `Separated\u2028${FORGED_LOG}\u2029${FORGED_ROW}` }),
      tenantItem(HUGE_NAME, { name: HUGE }),
      tenantItem(HOSTILE_ROLE, { name: 'Hostile role', roleName: `Reader\n${FORGED_LOG}\u001b[2J` }),
      // Invalid rows are logged and listed by the table's key; the reason quotes their tenant_id, escaped.
      tenantItem(`x\n${FORGED_LOG}`),
      tenantItem(`${HUGE}\u2028`),
    ]);
    await createBucket(endpoint, BUCKET);
  });

  const collect = (extra: string[]) =>
    orgmeta(['collect', '--table', TABLE, '--role-name', 'OrgMetaReader', '--bucket', BUCKET, '--verbose', ...extra]);

  it('keeps every log line and summary row one line, in text format', async () => {
    // Act
    const run = await collect(['--prefix', 'untrusted-text']);
    // Assess: the hostile values did reach the output (escaped), and forged nothing.
    expectToInclude(run.stderr, `tenant_id "x\\n${FORGED_LOG}"`);
    expectToInclude(run.stderr, `role_name "Reader\\n${FORGED_LOG}\\u001b[2J"`);
    expectToInclude(run.stdout, `Evil Corp\\n${FORGED_LOG}`);
    expectToInclude(run.stdout, '\\u001b[2J\\u001b[31mClear screen');
    expectToInclude(run.stdout, `Separated\\u2028${FORGED_LOG}`);
    expectToInclude(run.stdout, 'more characters)');
    expectNoForgedLines(run.stderr);
    expectNoForgedLines(run.stdout);
    for (const line of lines(run.stderr)) expect(line).toMatch(/^(DEBUG|INFO |WARN |ERROR) /);
    // The table: a header, then exactly one row per tenant, each starting with its ID.
    const table = lines(run.stdout).slice(0, TENANT_IDS.length + 1);
    expect(table[0]).toMatch(/^TENANT\s+NAME\s+STATUS/);
    expect(
      table
        .slice(1)
        .map((row) => row.slice(0, 12))
        .sort(),
    ).toEqual([...TENANT_IDS].sort());
  });

  it('keeps every JSON log line one parseable line whose values hold no control character', async () => {
    const run = await collect(['--prefix', 'untrusted-json', '--log-format', 'json', '--json']);
    expectNoForgedLines(run.stderr);
    const entries = lines(run.stderr).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.some((e) => String(e.message).includes(`tenant_id "x\\n${FORGED_LOG}"`))).toBe(true);
    for (const entry of entries) {
      for (const value of Object.values(entry)) expect(String(value)).not.toMatch(UNSAFE);
    }
    // The JSON summary (and so the manifest) holds names display-safe and cut: no raw line separator,
    // no 300 KB string from one bad row. The CSV report keeps the full name.
    expect(run.stdout).not.toMatch(/[\u2028\u2029]/);
    const summary: RunSummary = JSON.parse(run.stdout);
    expect(summary.tenants.find((t) => t.tenantId === SEPARATOR_NAME)?.tenantName).toBe(
      `Separated\\u2028${FORGED_LOG}\\u2029${FORGED_ROW}`,
    );
    const hugeName = summary.tenants.find((t) => t.tenantId === HUGE_NAME)?.tenantName ?? '';
    expect(hugeName.startsWith('HHHH')).toBe(true);
    expect(hugeName).toContain('more characters)');
    expect(hugeName.length).toBeLessThan(FEW_KB);
  });

  it('keeps the tenants table one row per tenant and per invalid row', async () => {
    const run = await orgmeta(['tenants', '--table', TABLE]);
    expect(run.code).toBe(0);
    expectToInclude(run.stdout, `role_name "Reader\\n${FORGED_LOG}\\u001b[2J"`);
    expectNoForgedLines(run.stdout);
    expectNoForgedLines(run.stderr);
    const out = lines(run.stdout);
    expect(
      out
        .slice(1, TENANT_IDS.length + 1)
        .map((row) => row.slice(0, 12))
        .sort(),
    ).toEqual([...TENANT_IDS].sort());
    const invalidAt = out.findIndex((l) => l.startsWith('ITEM'));
    expect(out.slice(invalidAt + 1)).toHaveLength(3);
    for (const row of out.slice(invalidAt + 1)) expect(row).toMatch(/^pk=item-\d{4}\s/);
  });

  it('keeps the check table one row per check', async () => {
    const run = await orgmeta(['check', '--table', TABLE, '--role-name', 'OrgMetaReader', '--bucket', BUCKET, '--tenant', NEWLINE_NAME]);
    expectToInclude(run.stdout + run.stderr, `role_name "Reader\\n${FORGED_LOG}\\u001b[2J"`);
    expectNoForgedLines(run.stdout);
    expectNoForgedLines(run.stderr);
    for (const row of lines(run.stdout).filter((l) => /^(run|\d{12})\s/.test(l))) {
      expect(row).toMatch(/^(run|106000000001)\s+\S.*\s(PASS|FAIL|WARN|SKIP)\b/);
    }
  });
});
