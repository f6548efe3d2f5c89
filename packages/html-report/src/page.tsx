import type {
  ChangesView,
  FleetChanges,
  RunReport,
  RunReportFailure,
  RunReportTenant,
  StateCount,
  TagCoverage,
  TagKeyCoverage,
} from '@orgmeta/core';
import { displaySafe } from '@orgmeta/core';
import type { ComponentChildren } from 'preact';
import { BarChart, COLOURS } from './charts';
import type { Bar, Colour } from './charts';
import { formatCount, formatDuration, formatShare, formatTimestamp, plural } from './format';
import { REPORT_CSP, REPORT_CSS } from './styles';

/**
 * The page, as Preact components. Every value from the model is passed as a JSX child or
 * attribute, which Preact escapes; the one raw insertion is the constant stylesheet.
 * Untrusted names sit in <bdi>, so a right-to-left override in a name cannot reorder the text around it.
 */

const STATE_COLOURS: Readonly<Record<string, Colour>> = {
  ACTIVE: COLOURS.ok,
  PENDING_ACTIVATION: COLOURS.info,
  PENDING_CLOSURE: COLOURS.warn,
  SUSPENDED: COLOURS.bad,
  CLOSED: COLOURS.neutral,
};

function stateColour(state: string): Colour {
  return STATE_COLOURS[state] ?? COLOURS.pending;
}

/** Green from 90 %, amber from 60 %, red below: a glance tells where tagging needs work. */
function coverageColour(share: number | null): Colour {
  if (share === null) return COLOURS.neutral;
  if (share >= 0.9) return COLOURS.ok;
  if (share >= 0.6) return COLOURS.warn;
  return COLOURS.bad;
}

type HeadingLevel = 3 | 4;

function Heading({ level, children }: { readonly level: HeadingLevel; readonly children: ComponentChildren }) {
  return level === 3 ? <h3>{children}</h3> : <h4>{children}</h4>;
}

/** Untrusted text as it is shown anywhere on the page. */
function shown(text: string): string {
  return displaySafe(text);
}

/** An untrusted name (tenant, account, tag key), isolated from the text around it. */
function Name({ children }: { readonly children: string }) {
  return <bdi>{shown(children)}</bdi>;
}

function accountsIn(states: readonly StateCount[], state: string): number {
  return states.find((s) => s.state === state)?.accounts ?? 0;
}

function StatesBlock({ id, states, level }: { readonly id: string; readonly states: readonly StateCount[]; readonly level: HeadingLevel }) {
  const total = states.reduce((sum, s) => sum + s.accounts, 0);
  const largest = Math.max(0, ...states.map((s) => s.accounts));
  const bars: Bar[] = states.map((s) => ({
    label: shown(s.state),
    value: s.accounts,
    valueLabel: `${formatCount(s.accounts)} (${formatShare(total === 0 ? null : s.accounts / total)})`,
    colour: stateColour(s.state),
  }));
  return (
    <section>
      <Heading level={level}>Accounts by state</Heading>
      {states.length === 0 ? (
        <p class="note">No accounts.</p>
      ) : (
        <>
          <BarChart id={id} title="Accounts by state" bars={bars} max={largest} />
          <table>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col" class="num">
                  Accounts
                </th>
                <th scope="col" class="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {states.map((s) => (
                <tr key={s.state}>
                  <th scope="row">
                    <Name>{s.state}</Name>
                  </th>
                  <td class="num">{formatCount(s.accounts)}</td>
                  <td class="num">{formatShare(total === 0 ? null : s.accounts / total)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All states</th>
                <td class="num">{formatCount(total)}</td>
                <td class="num">{total === 0 ? 'n/a' : '100%'}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </section>
  );
}

interface CoverageFigures {
  readonly requiredTags: readonly string[];
  readonly activeAccounts: number;
  readonly fullyTagged: number;
  readonly accountsMissing: number;
  readonly keys: readonly TagKeyCoverage[];
}

function CoverageBlock({ id, coverage, level }: { readonly id: string; readonly coverage: CoverageFigures; readonly level: HeadingLevel }) {
  const fullShare = coverage.activeAccounts === 0 ? null : coverage.fullyTagged / coverage.activeAccounts;
  const bars: Bar[] = coverage.keys.map((k) => ({
    label: shown(k.key),
    value: k.share ?? 0,
    valueLabel: `${formatShare(k.share)} (${formatCount(k.present)} of ${formatCount(k.present + k.missing)})`,
    colour: coverageColour(k.share),
  }));
  return (
    <section>
      <Heading level={level}>Required-tag coverage</Heading>
      {coverage.activeAccounts === 0 ? (
        <p class="note">No ACTIVE accounts to measure.</p>
      ) : (
        <p>
          <strong>{formatShare(fullShare)}</strong> of ACTIVE accounts carry every required tag ({formatCount(coverage.fullyTagged)} of{' '}
          {plural(coverage.activeAccounts, 'account')}); {plural(coverage.accountsMissing, 'account')} miss at least one.
        </p>
      )}
      {coverage.keys.length === 0 ? null : (
        <>
          <BarChart id={id} title="Share of ACTIVE accounts carrying each required tag" bars={bars} max={1} track />
          <table>
            <thead>
              <tr>
                <th scope="col">Required tag</th>
                <th scope="col" class="num">
                  Carrying it
                </th>
                <th scope="col" class="num">
                  Missing it
                </th>
                <th scope="col" class="num">
                  Coverage
                </th>
              </tr>
            </thead>
            <tbody>
              {coverage.keys.map((k) => (
                <tr key={k.key}>
                  <th scope="row">
                    <Name>{k.key}</Name>
                  </th>
                  <td class="num">{formatCount(k.present)}</td>
                  <td class="num">{formatCount(k.missing)}</td>
                  <td class="num">{formatShare(k.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function MissingAccounts({ coverage }: { readonly coverage: TagCoverage }) {
  if (coverage.accountsMissing === 0) return null;
  const listed = coverage.accountsMissingTags.length;
  return (
    <section>
      <h4>ACTIVE accounts missing required tags</h4>
      <table>
        {listed < coverage.accountsMissing ? (
          <caption>
            The first {formatCount(listed)} of {plural(coverage.accountsMissing, 'account')}, by account ID; tag-coverage.csv lists them
            all.
          </caption>
        ) : null}
        <thead>
          <tr>
            <th scope="col">Account ID</th>
            <th scope="col">Account name</th>
            <th scope="col">Missing tags</th>
          </tr>
        </thead>
        <tbody>
          {coverage.accountsMissingTags.map((account) => (
            <tr key={account.accountId}>
              <th scope="row" class="mono">
                {shown(account.accountId)}
              </th>
              <td>
                <Name>{account.accountName}</Name>
              </td>
              <td>
                {account.missingKeys.map((key, index) => (
                  <>
                    {index > 0 ? ', ' : null}
                    <Name>{key}</Name>
                  </>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ChangeCountsTable({ added, removed, modified, total }: Pick<FleetChanges, 'added' | 'removed' | 'modified' | 'total'>) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Change</th>
          <th scope="col" class="num">
            Count
          </th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Accounts added</th>
          <td class="num">{formatCount(added)}</td>
        </tr>
        <tr>
          <th scope="row">Accounts removed</th>
          <td class="num">{formatCount(removed)}</td>
        </tr>
        <tr>
          <th scope="row">Accounts modified</th>
          <td class="num">{formatCount(modified)}</td>
        </tr>
        <tr>
          <th scope="row">Change rows (changes.csv)</th>
          <td class="num">{formatCount(total)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function TenantChanges({ changes }: { readonly changes: ChangesView }) {
  return (
    <section>
      <h4>Changes since the previous snapshot</h4>
      {changes.status === 'not-detected' ? <p class="note">Changes were not detected in this run.</p> : null}
      {changes.status === 'first-snapshot' ? <p class="note">First snapshot of this tenant: nothing earlier to compare with.</p> : null}
      {changes.status === 'compared' ? (
        <>
          <p>
            Compared with run <code>{shown(changes.previousRunId)}</code>.
          </p>
          <ChangeCountsTable {...changes} />
        </>
      ) : null}
    </section>
  );
}

function FleetChangesBlock({ changes }: { readonly changes: FleetChanges | null }) {
  return (
    <section>
      <h3>Changes since the previous snapshot</h3>
      {changes === null ? (
        <p class="note">Changes were not detected in this run.</p>
      ) : (
        <>
          <p>
            {plural(changes.tenantsCompared, 'tenant')} compared with their previous snapshot
            {changes.tenantsFirstSnapshot > 0 ? `; ${plural(changes.tenantsFirstSnapshot, 'tenant')} collected for the first time` : ''}.
          </p>
          <ChangeCountsTable {...changes} />
        </>
      )}
    </section>
  );
}

function FailuresBlock({ failures }: { readonly failures: readonly RunReportFailure[] }) {
  return (
    <section>
      <h3>Failures</h3>
      {failures.length === 0 ? (
        <p class="note">No tenant failed.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Error code</th>
              <th scope="col">Message</th>
              <th scope="col">What to do</th>
            </tr>
          </thead>
          <tbody>
            {failures.map((f) => (
              <tr key={f.tenantId}>
                <th scope="row">
                  <Name>{f.tenantName}</Name> <span class="mono muted">{shown(f.tenantId)}</span>
                </th>
                <td class="mono nowrap">{shown(f.code)}</td>
                <td class="text">{shown(f.message)}</td>
                <td class="text">{shown(f.hint)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function changesSummary(changes: ChangesView): string {
  switch (changes.status) {
    case 'compared':
      return formatCount(changes.total);
    case 'first-snapshot':
      return 'first snapshot';
    default:
      return '—';
  }
}

function TenantsTable({ tenants }: { readonly tenants: readonly RunReportTenant[] }) {
  return (
    <section>
      <h3>Tenants</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Accounts
            </th>
            <th scope="col" class="num">
              ACTIVE
            </th>
            <th scope="col" class="num">
              Changes
            </th>
            <th scope="col" class="num">
              Fully tagged
            </th>
            <th scope="col" class="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((t, index) => (
            <tr key={t.tenantId}>
              <th scope="row">
                <a href={`#${tenantAnchor(index)}`}>
                  <Name>{t.tenantName}</Name>
                </a>{' '}
                <span class="mono muted">{shown(t.tenantId)}</span>
              </th>
              <td>
                <span class={`badge ${t.status === 'failed' ? 'failed' : 'succeeded'}`}>
                  {t.status === 'failed' ? 'Failed' : 'Succeeded'}
                </span>
              </td>
              <td class="num">{t.status === 'failed' ? '—' : formatCount(t.accounts)}</td>
              <td class="num">{t.status === 'failed' ? '—' : formatCount(accountsIn(t.accountStates, 'ACTIVE'))}</td>
              <td class="num">{changesSummary(t.changes)}</td>
              <td class="num">
                {t.tagCoverage
                  ? formatShare(t.tagCoverage.activeAccounts === 0 ? null : t.tagCoverage.fullyTagged / t.tagCoverage.activeAccounts)
                  : '—'}
              </td>
              <td class="num">{formatDuration(t.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Tiles({ model }: { readonly model: RunReport }) {
  const { fleet } = model;
  const coverage = fleet.tagCoverage;
  return (
    <dl class="tiles">
      <div class="tile">
        <dt>Tenants</dt>
        <dd>
          {formatCount(fleet.tenants)}
          <small>
            {formatCount(fleet.succeeded)} succeeded, {formatCount(fleet.failed)} failed
          </small>
        </dd>
      </div>
      <div class="tile">
        <dt>Accounts</dt>
        <dd>
          {formatCount(fleet.accounts)}
          <small>{formatCount(accountsIn(fleet.accountStates, 'ACTIVE'))} ACTIVE</small>
        </dd>
      </div>
      <div class={`tile ${fleet.failed > 0 ? 'bad' : 'good'}`}>
        <dt>Failed tenants</dt>
        <dd>
          {formatCount(fleet.failed)}
          <small>{fleet.failed > 0 ? 'see Failures below' : 'every tenant succeeded'}</small>
        </dd>
      </div>
      <div class="tile">
        <dt>Changes</dt>
        <dd>
          {fleet.changes ? formatCount(fleet.changes.total) : '—'}
          <small>
            {fleet.changes
              ? `+${formatCount(fleet.changes.added)} added, −${formatCount(fleet.changes.removed)} removed, ${formatCount(fleet.changes.modified)} modified`
              : 'not detected in this run'}
          </small>
        </dd>
      </div>
      {coverage ? (
        <div class="tile">
          <dt>Fully tagged</dt>
          <dd>
            {formatShare(coverage.fullyTaggedShare)}
            <small>
              {formatCount(coverage.fullyTagged)} of {plural(coverage.activeAccounts, 'ACTIVE account')}
            </small>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function tenantAnchor(index: number): string {
  return `tenant-${index + 1}`;
}

function TenantSection({ tenant, index }: { readonly tenant: RunReportTenant; readonly index: number }) {
  const anchor = tenantAnchor(index);
  return (
    <section class={`tenant ${tenant.status}`} id={anchor} aria-labelledby={`${anchor}-heading`}>
      <h3 id={`${anchor}-heading`}>
        <Name>{tenant.tenantName}</Name>
        <span class="tenant-id mono">{shown(tenant.tenantId)}</span>
        <span class={`badge ${tenant.status === 'failed' ? 'failed' : 'succeeded'}`}>
          {tenant.status === 'failed' ? 'Failed' : 'Succeeded'}
        </span>
      </h3>
      {tenant.failure ? (
        <div class="failure">
          <dl>
            <dt>Error code</dt>
            <dd class="mono">{shown(tenant.failure.code)}</dd>
            <dt>Message</dt>
            <dd>{shown(tenant.failure.message)}</dd>
            <dt>What to do</dt>
            <dd>{shown(tenant.failure.hint)}</dd>
          </dl>
          <p class="note">No report was written for this tenant.</p>
        </div>
      ) : (
        <>
          <p class="muted">
            {plural(tenant.accounts, 'account')} in {formatDuration(tenant.durationMs)}
            {tenant.location ? (
              <>
                {' '}
                · report <code>{shown(tenant.location)}</code>
              </>
            ) : null}
          </p>
          <div class="columns">
            <StatesBlock id={`${anchor}-states`} states={tenant.accountStates} level={4} />
            {tenant.tagCoverage ? <CoverageBlock id={`${anchor}-coverage`} coverage={tenant.tagCoverage} level={4} /> : null}
          </div>
          <TenantChanges changes={tenant.changes} />
          {tenant.tagCoverage ? <MissingAccounts coverage={tenant.tagCoverage} /> : null}
        </>
      )}
    </section>
  );
}

export function ReportPage({ model }: { readonly model: RunReport }) {
  const { fleet } = model;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={REPORT_CSP} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <meta name="color-scheme" content="light" />
        <meta name="generator" content="orgmeta" />
        <title>{`Fleet report · run ${shown(model.runId)}`}</title>
        <style dangerouslySetInnerHTML={{ __html: REPORT_CSS }} />
      </head>
      <body>
        <div class="page">
          <header class="page-header">
            <h1>Fleet report</h1>
            <p class="run-meta">
              <span>
                Run <code>{shown(model.runId)}</code>
              </span>
              <span>started {formatTimestamp(model.startedAt)}</span>
              <span>took {formatDuration(model.durationMs)}</span>
            </p>
            {model.tenants.length > 0 ? (
              <nav class="toc" aria-label="Tenants">
                <ul>
                  {model.tenants.map((t, index) => (
                    <li key={t.tenantId}>
                      <a href={`#${tenantAnchor(index)}`} class={t.status}>
                        <Name>{t.tenantName}</Name>
                        {t.status === 'failed' ? ' (failed)' : ''}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
          </header>
          <main>
            <section aria-labelledby="fleet-heading">
              <h2 id="fleet-heading">Fleet at a glance</h2>
              <Tiles model={model} />
              {/* What needs a person's action comes first. */}
              <FailuresBlock failures={model.failures} />
              <div class="columns">
                <StatesBlock id="fleet-states" states={fleet.accountStates} level={3} />
                {fleet.tagCoverage ? <CoverageBlock id="fleet-coverage" coverage={fleet.tagCoverage} level={3} /> : null}
              </div>
              <FleetChangesBlock changes={fleet.changes} />
              <TenantsTable tenants={model.tenants} />
              {model.invalidRecords.length > 0 ? (
                <section>
                  <h3>Skipped tenant-table items</h3>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col">Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      {model.invalidRecords.map((r, index) => (
                        <tr key={index}>
                          <th scope="row" class="mono text">
                            {shown(r.key)}
                          </th>
                          <td class="text">{shown(r.reason)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              ) : null}
            </section>
            <section aria-labelledby="tenants-heading">
              <h2 id="tenants-heading">Tenants</h2>
              {model.tenants.length === 0 ? <p class="note">No tenant was selected in this run.</p> : null}
              {model.tenants.map((tenant, index) => (
                <TenantSection key={tenant.tenantId} tenant={tenant} index={index} />
              ))}
            </section>
          </main>
          <footer>
            Generated by orgmeta for run <code>{shown(model.runId)}</code> ({formatTimestamp(model.startedAt)} to{' '}
            {formatTimestamp(model.finishedAt)}). The run manifest holds the same figures; each tenant&apos;s tag-coverage.csv lists every
            ACTIVE account missing a required tag.
          </footer>
        </div>
      </body>
    </html>
  );
}
