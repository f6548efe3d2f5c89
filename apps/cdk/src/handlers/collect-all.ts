import { InterruptedError, collectRun, safeText, type RunOutcome, type RunSummary, type SecretMasker } from '@orgmeta/core';
import { lambdaComposition } from './composition';
import { DEADLINE_MARGIN_MS, runDeadline, type LambdaContext } from './deadline';
import { RunDeadlineError, RunFailedError } from './errors';

/** Codes of tenants the deadline stopped: not started, or abandoned in flight. */
const STOPPED_CODES: ReadonlySet<string> = new Set([new InterruptedError().name, 'AbortError']);

/** Tenant IDs an error message lists before it says how many more there are (the manifest has all). */
const LISTED_TENANTS = 20;

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED_TENANTS).join(', ');
  return ids.length > LISTED_TENANTS ? `${shown} and ${ids.length - LISTED_TENANTS} more` : shown;
}

function manifestNote({ manifest }: RunOutcome, secrets: SecretMasker): string {
  return manifest.error ? `; ${safeText(manifest.error, secrets)}` : `; the manifest ${manifest.s3Key ?? ''} says what finished`;
}

/**
 * Single mode: the whole run in one invocation (small fleets). The run is aborted
 * DEADLINE_MARGIN_MS before the Lambda timeout, so the manifest is always written; the
 * invocation then fails when any tenant failed or did not finish, so the alarm fires.
 */
export async function handler(_event: unknown, context: LambdaContext): Promise<RunSummary['totals'] & { runId: string }> {
  const { config, deps, secrets, metrics } = lambdaComposition();
  const deadline = runDeadline(context);
  let outcome: RunOutcome;
  try {
    outcome = await collectRun(config, { ...deps, signal: deadline.signal });
  } finally {
    deadline.dispose();
  }
  const { summary } = outcome;
  const failed = summary.tenants.filter((t) => t.status === 'failed');
  const unfinished = failed.filter((t) => t.error && STOPPED_CODES.has(t.error.code)).map((t) => t.tenantId);
  if (unfinished.length > 0) {
    const otherFailures = failed.length - unfinished.length;
    throw new RunDeadlineError(
      `Run ${summary.runId} stopped ${DEADLINE_MARGIN_MS / 1000} s before the Lambda timeout with ${unfinished.length} tenant(s) unfinished: ${listed(unfinished)}` +
        `${otherFailures > 0 ? `; ${otherFailures} other tenant(s) failed` : ''}${manifestNote(outcome, secrets)}. ` +
        'Re-run them, or deploy with mode=fanout (one invocation per tenant) when the fleet outgrows one invocation.',
      unfinished,
    );
  }
  if (failed.length > 0 || outcome.manifest.error) {
    throw new RunFailedError(
      `Run ${summary.runId}: ${failed.length} tenant(s) failed: ${listed(failed.map((t) => `${t.tenantId} (${t.error?.code})`))}` +
        `${outcome.manifest.error ? `; ${safeText(outcome.manifest.error, secrets)}` : ''}`,
    );
  }
  metrics.runSucceeded(summary.runId);
  return { runId: summary.runId, ...summary.totals };
}
