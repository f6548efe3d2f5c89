import { awsPipelineDependencies } from '@orgmeta/aws-adapters';
import { resolveCollectConfig, type CollectConfig, type LogFields, type Logger, type PipelineDependencies } from '@orgmeta/core';
import { accountsCsvRenderer, csvOutputs } from '@orgmeta/csv';
import { renderRunReport } from '@orgmeta/html-report';
import { parquetSnapshotFormat } from '@orgmeta/parquet';

/** One JSON object per line on stdout: Lambda's JSON log format keeps it structured. */
export class LambdaJsonLogger implements Logger {
  debug(message: string, fields?: LogFields): void {
    if (process.env.ORGMETA_DEBUG === 'true') this.write('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('ERROR', message, fields);
  }
  private write(level: string, message: string, fields?: LogFields): void {
    process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  }
}

/** The run failed for at least one tenant (or its manifest): the invocation fails so alarms fire. */
export class RunFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailedError';
  }
}

export interface LambdaRuntime {
  readonly config: CollectConfig;
  readonly deps: PipelineDependencies;
}

let runtime: LambdaRuntime | undefined;

/**
 * Config and adapters from the same environment variables as the CLI, built once per
 * container (clients are reused across invocations). The Lambda never saves locally.
 */
export function lambdaRuntime(env: NodeJS.ProcessEnv = process.env): LambdaRuntime {
  if (runtime) return runtime;
  const config = resolveCollectConfig({ flags: {}, env });
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const deps = awsPipelineDependencies({
    config,
    region,
    surface: 'lambda',
    logger: new LambdaJsonLogger(),
    render: accountsCsvRenderer({ escapeFormulas: config.escapeFormulas }),
    // The same renderers as the CLI; the baseline is read from the report bucket, events go to CHANGE_EVENTS_BUS.
    outputs: { csv: csvOutputs({ escapeFormulas: config.escapeFormulas }), formats: [parquetSnapshotFormat], renderRunReport },
  });
  runtime = { config, deps };
  return runtime;
}

/** Tests change the environment between invocations. */
export function resetLambdaRuntime(): void {
  runtime = undefined;
}
