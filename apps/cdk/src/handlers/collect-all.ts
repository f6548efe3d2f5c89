import { collectRun, type RunSummary } from '@orgmeta/core';
import { lambdaComposition } from './composition';
import { RunFailedError } from './errors';

/**
 * Single mode: the whole run in one invocation (small fleets). Writes the manifest,
 * then fails the invocation when any tenant failed so the alarm fires.
 */
export async function handler(): Promise<RunSummary['totals'] & { runId: string }> {
  const { config, deps } = lambdaComposition();
  const { summary, manifest } = await collectRun(config, deps);
  if (summary.totals.failed > 0 || manifest.error) {
    const failed = summary.tenants.filter((t) => t.status === 'failed').map((t) => `${t.tenantId} (${t.error?.code})`);
    throw new RunFailedError(
      `Run ${summary.runId}: ${failed.length} tenant(s) failed: ${failed.join(', ')}${manifest.error ? `; ${manifest.error}` : ''}`,
    );
  }
  return { runId: summary.runId, ...summary.totals };
}
