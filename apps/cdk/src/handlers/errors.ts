/** The run failed for at least one tenant (or its manifest): the invocation fails so alarms fire. */
export class RunFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
  }
}

/** Thrown so the state machine retries this tenant with backoff: the organization throttled us past our own retries. */
export class TenantThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantThrottledError';
  }
}

/** The single-mode run was stopped before its Lambda timeout; these tenants did not finish. */
export class RunDeadlineError extends Error {
  constructor(
    message: string,
    readonly unfinishedTenantIds: readonly string[],
  ) {
    super(message);
    this.name = 'RunDeadlineError';
  }
}
