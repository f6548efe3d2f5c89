import { safeText, type InvalidRecord, type SecretMasker, type TenantResult } from '@orgmeta/core';

/**
 * Most characters of each text a tenant's result may carry through the fan-out's state
 * (an inline Map holds at most 256 KiB for every tenant together): whatever fails, and
 * however long the AWS message, a failed result stays near 1 KB.
 */
export const RESULT_TEXT_LIMITS = { code: 100, message: 400, hint: 300, tenantName: 128, invalidRecord: 300 } as const;

/** The result as the state machine may carry it: no secret, no control character, no unbounded text. */
export function boundedTenantResult(result: TenantResult, secrets: SecretMasker): TenantResult {
  const { error } = result;
  return {
    ...result,
    tenantName: safeText(result.tenantName, secrets, RESULT_TEXT_LIMITS.tenantName),
    ...(error
      ? {
          error: {
            code: safeText(error.code, secrets, RESULT_TEXT_LIMITS.code),
            message: safeText(error.message, secrets, RESULT_TEXT_LIMITS.message),
            hint: safeText(error.hint, secrets, RESULT_TEXT_LIMITS.hint),
          },
        }
      : {}),
  };
}

/** A skipped tenant-table row as the state machine may carry it (the row's values are untrusted). */
export function boundedInvalidRecord(record: InvalidRecord, secrets: SecretMasker): InvalidRecord {
  return {
    key: safeText(record.key, secrets, RESULT_TEXT_LIMITS.invalidRecord),
    reason: safeText(record.reason, secrets, RESULT_TEXT_LIMITS.invalidRecord),
  };
}
