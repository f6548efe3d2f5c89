/** What every AWS client of a run shares; endpoint and credentials come from the SDK's own chain. */
export interface AwsClientSettings {
  readonly region: string;
  /** Attempts per call, first try included; the SDK backs off with jitter between them. */
  readonly maxAttempts: number;
}

export function clientConfig(settings: AwsClientSettings) {
  return { region: settings.region, maxAttempts: settings.maxAttempts, retryMode: 'standard' as const };
}
