import { awsPipelineDependencies, createAwsAdapters, type S3CheckpointStore } from '@orgmeta/aws-adapters';
import {
  ConfigError,
  SecretMasker,
  type ObjectReader,
  resolveCollectConfig,
  type CollectConfig,
  type PipelineDependencies,
} from '@orgmeta/core';
import { accountsCsvRenderer, csvOutputs } from '@orgmeta/csv';
import { renderRunReport } from '@orgmeta/html-report';
import { parquetSnapshotFormat } from '@orgmeta/parquet';
import { envVarOf } from '../settings';
import { COLLECTOR_NAME_ENV_VAR, DEFAULT_COLLECTOR_NAME, LOG_LEVEL_SETTING, type LogLevel } from './lambda-settings';
import { LambdaJsonLogger } from './logger';
import { RunMetrics } from './run-metrics';

/** What every handler of one container shares: built once, reused across invocations (SDK clients included). */
export interface LambdaComposition {
  readonly config: CollectConfig;
  /** Core's pipeline wired to AWS, with the container's masker as `secrets`: the pipeline teaches it every ExternalId it reads. */
  readonly deps: PipelineDependencies;
  /** The one masker of this container: the pipeline and the logger share it. */
  readonly secrets: SecretMasker;
  readonly logger: LambdaJsonLogger;
  /** The runs' own metrics (the stack alarms when no run succeeded for a day). */
  readonly metrics: RunMetrics;
  /** Reads the fan-out's run files (tenant list, result writer's files) from the report bucket; absent without a bucket. */
  readonly runFiles?: ObjectReader;
  /** Resumable tenants' checkpoints, in the report bucket; absent without a bucket. */
  readonly checkpoints?: S3CheckpointStore;
}

function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const parsed = LOG_LEVEL_SETTING.parse(env[LOG_LEVEL_SETTING.envVar] || LOG_LEVEL_SETTING.defaultValue);
  if (typeof parsed === 'object') throw new ConfigError(`Invalid ${LOG_LEVEL_SETTING.envVar}: ${parsed.error}.`);
  return parsed as LogLevel;
}

let composition: LambdaComposition | undefined;

/**
 * Config and adapters from the same environment variables as the CLI, built once per
 * container. The Lambda never saves locally.
 */
export function lambdaComposition(env: NodeJS.ProcessEnv = process.env): LambdaComposition {
  if (composition) return composition;
  // Seeded before anything can log: the run-wide ExternalId, even one the config then rejects.
  const secrets = new SecretMasker([env[envVarOf('externalId')]]);
  const logger = new LambdaJsonLogger({ level: logLevelFrom(env), secrets });
  const config = resolveCollectConfig({ flags: {}, env });
  secrets.add(config.externalId);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const deps = awsPipelineDependencies({
    config,
    region,
    surface: 'lambda',
    secrets,
    logger,
    render: accountsCsvRenderer({ escapeFormulas: config.escapeFormulas }),
    // One run at a time per prefix, across the CLI and the Lambda; each invocation names itself (run-lock.ts).
    lockHolder: `lambda ${env.AWS_LAMBDA_FUNCTION_NAME ?? 'orgmeta'}`,
    // The same renderers as the CLI; the baseline is read from the report bucket, events go to CHANGE_EVENTS_BUS.
    outputs: { csv: csvOutputs({ escapeFormulas: config.escapeFormulas }), formats: [parquetSnapshotFormat], renderRunReport },
  });
  const metrics = new RunMetrics(env[COLLECTOR_NAME_ENV_VAR] || DEFAULT_COLLECTOR_NAME);
  // The report bucket's reader and checkpoint store (ExpectedBucketOwner and the report key included); the other clients are built but never called.
  const { s3Reader: runFiles, checkpoints } = createAwsAdapters(config, region);
  composition = { config, deps, secrets, logger, metrics, ...(runFiles ? { runFiles } : {}), ...(checkpoints ? { checkpoints } : {}) };
  return composition;
}

/** Tests change the environment between invocations. */
export function resetLambdaComposition(): void {
  composition = undefined;
}
