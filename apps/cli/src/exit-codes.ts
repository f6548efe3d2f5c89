export const EXIT_OK = 0;
/** Usage or configuration error, or the tenant table could not be read: nothing was written. */
export const EXIT_USAGE = 1;
/** The run finished but at least one tenant (or check) failed. */
export const EXIT_TENANT_FAILED = 2;
/**
 * An unexpected error (a bug) stopped the command (sysexits.h EX_SOFTWARE): unlike 1, it does not
 * promise that nothing was written; reports may exist without a manifest listing them.
 */
export const EXIT_SOFTWARE = 70;
/** Shell convention: 128 + signal number. */
export const EXIT_INTERRUPTED: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
