export const EXIT_OK = 0;
/** Usage or configuration error, or the tenant table could not be read: nothing was written. */
export const EXIT_USAGE = 1;
/** The run finished but at least one tenant (or check) failed. */
export const EXIT_TENANT_FAILED = 2;
/** Shell convention: 128 + signal number. */
export const EXIT_INTERRUPTED: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
