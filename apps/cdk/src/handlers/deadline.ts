/** What the handler needs of Lambda's context object. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from the Lambda timeout: enough to abort what is in flight and write the
 * manifest, so a run that does not fit still says what finished.
 */
export const DEADLINE_MARGIN_MS = 60_000;

export interface RunDeadline {
  /** Aborts `marginMs` before the invocation would time out (at once if that is already past). */
  readonly signal: AbortSignal;
  /** Stops the timer once the run is over. */
  dispose(): void;
}

export function runDeadline(context: LambdaContext, marginMs: number = DEADLINE_MARGIN_MS): RunDeadline {
  const controller = new AbortController();
  const budgetMs = context.getRemainingTimeInMillis() - marginMs;
  if (budgetMs <= 0) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const timer = setTimeout(() => controller.abort(), budgetMs);
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
