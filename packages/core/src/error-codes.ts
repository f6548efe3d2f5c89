/**
 * The one classification of AWS and network error codes. Failure hints, the adapters'
 * pacing and the fan-out's retries all decide from these lists.
 */

/** AWS throttling answers: retried with backoff, and slow the organization's pace down. */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'SlowDown',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
]);

/** Connection problems that may go away on a retry. */
export const TRANSIENT_NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
]);

/** The collector's own credentials are the problem, not the tenant's role. */
export const COLLECTOR_CREDENTIAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
]);

/** The caller lacks a permission (service spellings differ). */
export const ACCESS_DENIED_ERROR_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);

/** Whether an AWS error code means the caller lacks a permission. */
export function isAccessDeniedCode(code: string): boolean {
  return ACCESS_DENIED_ERROR_CODES.has(code);
}

/** Whether an AWS error code means the call was throttled (the SDK retries these). */
export function isThrottlingCode(code: string): boolean {
  return THROTTLING_ERROR_CODES.has(code);
}

export function isTransientNetworkCode(code: string): boolean {
  return TRANSIENT_NETWORK_ERROR_CODES.has(code);
}
