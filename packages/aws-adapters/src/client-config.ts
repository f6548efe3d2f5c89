/** What every AWS client of a run shares; endpoint and credentials come from the SDK's own chain. */
export interface AwsClientSettings {
  /** The AWS Region of the clients. */
  readonly region: string;
  /** Attempts per call, first try included; the SDK backs off with jitter between them. */
  readonly maxAttempts: number;
}

/**
 * Standard retries: exponential backoff with full jitter for throttling, 5xx and network
 * errors. Organizations clients are paced per tenant by OrganizationPacer, which replaces
 * the SDK's `adaptive` mode (that one only slows down after throttling, never to a set rate).
 */
export function clientConfig(settings: AwsClientSettings) {
  return { region: settings.region, maxAttempts: settings.maxAttempts, retryMode: 'standard' as const };
}
