/**
 * Environment variables only the Lambda reads (the CLI has flags for these instead). The CDK
 * app checks the `environment` context against this list and core's settings table.
 */

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LambdaSetting {
  readonly envVar: string;
  readonly description: string;
  readonly defaultValue: string;
  /** The value, or an error sentence (as core's settings do). */
  readonly parse: (raw: string) => string | { readonly error: string };
}

export const LOG_LEVEL_SETTING: LambdaSetting = {
  envVar: 'LOG_LEVEL',
  description: "Lowest level the handlers log: DEBUG, INFO, WARN or ERROR (case-insensitive); DEBUG adds each tenant's role ARN",
  defaultValue: 'INFO',
  parse: (raw) => {
    const level = raw.trim().toUpperCase();
    return (LOG_LEVELS as readonly string[]).includes(level) ? level : { error: `"${raw}" is not one of ${LOG_LEVELS.join(', ')}` };
  },
};

/** Every Lambda-only setting an operator may set. */
export const LAMBDA_SETTINGS: readonly LambdaSetting[] = [LOG_LEVEL_SETTING];

/**
 * Names the collector in the handlers' CloudWatch metrics (dimension `Collector`). The stack
 * sets it to its own name, which is what its alarms watch; operators do not set it.
 */
export const COLLECTOR_NAME_ENV_VAR = 'COLLECTOR_NAME';

/** The collector name when COLLECTOR_NAME is not set (a handler run outside the stack). */
export const DEFAULT_COLLECTOR_NAME = 'orgmeta';

/** The fan-out state machine's timeout (constructs/fanout-collector.ts). */
export const FANOUT_EXECUTION_TIMEOUT_HOURS = 12;

/**
 * A tenant still pausing this long after its run started fails instead (`TenantOutOfTime`): the
 * remaining two hours of the execution's timeout leave room for the tenants in flight and the manifest.
 */
export const FANOUT_TENANT_HOURS = 10;
