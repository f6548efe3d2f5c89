/** What every AWS client of a run shares; endpoint and credentials come from the SDK's own chain. */
export interface AwsClientSettings {
  readonly region: string;
  /** Attempts per call, first try included; the SDK backs off with jitter between them. */
  readonly maxAttempts: number;
}

/**
 * Standard retries: exponential backoff with full jitter for throttling, 5xx and network errors.
 * Organizations clients use `adaptive` (one client per tenant, so the client-side rate
 * state belongs to that organization's limit).
 */
export function clientConfig(settings: AwsClientSettings, retryMode: 'standard' | 'adaptive' = 'standard') {
  return { region: settings.region, maxAttempts: settings.maxAttempts, retryMode };
}
