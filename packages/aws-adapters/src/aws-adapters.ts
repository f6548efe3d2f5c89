import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import {
  ConfigError,
  type CallerIdentity,
  type ChangeEventSink,
  type OutputDependencies,
  type CollectConfig,
  type Logger,
  type OrganizationConnector,
  type PipelineDependencies,
  type ReportRenderer,
  type ReportSink,
  type RunLockStore,
  type SecretMasker,
  type Surface,
  type TenantSource,
} from '@orgmeta/core';
import { clientConfig } from './client-config';
import { DynamoDbTenantSource } from './dynamodb-tenant-source';
import { EventBridgeChangeEventSink } from './eventbridge-change-event-sink';
import { S3ObjectReader } from './s3-object-reader';
import { S3CheckpointStore } from './s3-checkpoint-store';
import { S3ReportSink } from './s3-report-sink';
import { S3RunLockStore } from './s3-run-lock-store';
import { StsCallerIdentity } from './sts-caller-identity';
import { StsOrganizationConnector } from './sts-organization-connector';

/** Every AWS-backed port of a run, built by {@link createAwsAdapters}: plug them into core's `PipelineDependencies` yourself to choose your own sinks. */
export interface AwsAdapters {
  /** Reads the DynamoDB tenant table. */
  readonly tenantSource: TenantSource;
  /** Assumes each tenant's role (STS) and reads its organization. */
  readonly organizations: OrganizationConnector;
  /** Present when the configuration uploads to S3; it can also probe write access. */
  readonly s3Sink?: S3ReportSink;
  /** Present when the configuration uploads to S3: run locks live in the bucket. */
  readonly runLockStore?: S3RunLockStore;
  /** Who the collector runs as (STS GetCallerIdentity). */
  readonly identity: CallerIdentity;
  /** Reads previous snapshots from the report bucket; present when the configuration uploads to S3. */
  readonly s3Reader?: S3ObjectReader;
  /** Resumable tenants' checkpoints in the report bucket; present when the configuration uploads to S3. */
  readonly checkpoints?: S3CheckpointStore;
  /** Present when `--events-bus` / CHANGE_EVENTS_BUS names a bus. */
  readonly changeEvents?: ChangeEventSink;
}

/** The collector's region from the SDK's own chain (AWS_REGION, profile…), without a network call. */
export async function resolveAwsRegion(): Promise<string> {
  try {
    const region = await new DynamoDBClient({}).config.region();
    if (region) return region;
  } catch {
    // no region anywhere in the chain: say how to set one
  }
  throw new ConfigError('Missing AWS region: set AWS_REGION (or a region in your AWS profile), e.g. AWS_REGION=us-east-1.');
}

/** Callbacks the AWS adapters call while a run is under way. */
export interface AwsAdapterHooks {
  /** Told of every throttled Organizations answer (for progress displays). */
  readonly onThrottle?: () => void;
}

/**
 * Every AWS-backed port of a run, one client per service (Organizations: one per tenant). Use it to compose
 * core's `PipelineDependencies` yourself, e.g. with sinks of your own instead of S3.
 *
 * @example
 * ```ts
 * const aws = createAwsAdapters(config, await resolveAwsRegion());
 * const deps: PipelineDependencies = {
 *   tenantSource: aws.tenantSource,
 *   organizations: aws.organizations,
 *   render: accountsCsvRenderer(config),
 *   sinks: [new InMemoryReportSink()],
 *   logger: console,
 *   region,
 *   surface: 'lambda',
 * };
 * ```
 */
export function createAwsAdapters(config: CollectConfig, region: string, hooks: AwsAdapterHooks = {}): AwsAdapters {
  const settings = { region, maxAttempts: config.maxAttempts };
  const s3 = config.upload && config.bucketName ? new S3Client(clientConfig(settings)) : undefined;
  const bucket = config.bucketName
    ? { bucketName: config.bucketName, expectedBucketOwner: config.expectedBucketOwner, kmsKeyId: config.kmsKeyId }
    : undefined;
  const s3Sink = s3 && bucket ? new S3ReportSink(s3, bucket) : undefined;
  const s3Reader = s3 && bucket ? new S3ObjectReader(s3, bucket) : undefined;
  return {
    tenantSource: new DynamoDbTenantSource(new DynamoDBClient(clientConfig(settings)), config.tableName),
    organizations: new StsOrganizationConnector({
      ...settings,
      sessionDurationSeconds: config.sessionDurationSeconds,
      orgRps: config.orgRps,
      onThrottle: hooks.onThrottle,
    }),
    s3Sink,
    runLockStore: s3 && bucket ? new S3RunLockStore(s3, bucket) : undefined,
    identity: new StsCallerIdentity(new STSClient(clientConfig(settings))),
    s3Reader,
    checkpoints: s3Sink && s3Reader ? new S3CheckpointStore(s3Sink, s3Reader) : undefined,
    changeEvents: config.changeEventsBus
      ? new EventBridgeChangeEventSink(new EventBridgeClient(clientConfig(settings)), { busName: config.changeEventsBus })
      : undefined,
  };
}

/** What {@link awsPipelineDependencies} needs besides AWS: the configuration, the app's logger and renderers, and its own sinks. */
export interface PipelineWiring extends AwsAdapterHooks {
  /** The validated configuration. */
  readonly config: CollectConfig;
  /** The collector's region. */
  readonly region: string;
  /** `cli` or `lambda`: hints name settings as the operator sets them there. */
  readonly surface: Surface;
  /** The app's masker, shared with its logger: the pipeline teaches it every ExternalId it reads. */
  readonly secrets?: SecretMasker;
  /** Where diagnostics go. */
  readonly logger: Logger;
  /** Rows to CSV: injected, since this package must not depend on the CSV package. */
  readonly render: ReportRenderer;
  /**
   * The app's own sinks (the CLI's local copies; the Lambda has none), written in this order
   * before the S3 upload, so a failed upload still leaves them. A new sink is one more entry here.
   */
  readonly sinks?: readonly ReportSink[];
  /**
   * Who this run is, for the run lock (`cli <host> pid <pid>`, `lambda … request <id>`); without it the
   * run takes no lock. The lock lives in the bucket when the run uploads, else in `localLockStore`.
   */
  readonly lockHolder?: string;
  /** Where the run lock lives when the run does not upload. */
  readonly localLockStore?: RunLockStore;
  /**
   * Part 2's renderers (formats, changes, tag coverage, run report), injected like `render`. The
   * baseline is read from S3 when uploading; `baseline` here is the reader otherwise (the CLI's
   * output folder with `--no-upload`). Change events go to the configured bus.
   */
  readonly outputs?: Omit<OutputDependencies, 'events'>;
}

/**
 * Core's pipeline wired to AWS: the one composition the CLI and the Lambda handlers share. Your own sinks
 * (`wiring.sinks`) are written before the S3 upload.
 *
 * @example
 * ```ts
 * const deps = awsPipelineDependencies({ config, region, surface: 'lambda', logger: console, render: accountsCsvRenderer(config), sinks: [mySink] });
 * const outcome = await collectRun(config, deps);
 * ```
 */
export function awsPipelineDependencies(wiring: PipelineWiring): PipelineDependencies {
  const aws = createAwsAdapters(wiring.config, wiring.region, { onThrottle: wiring.onThrottle });
  return {
    tenantSource: aws.tenantSource,
    organizations: aws.organizations,
    render: wiring.render,
    ...(wiring.outputs
      ? {
          outputs: {
            ...wiring.outputs,
            baseline: aws.s3Reader ?? wiring.outputs.baseline,
            ...(aws.changeEvents ? { events: aws.changeEvents } : {}),
          },
        }
      : {}),
    sinks: [...(wiring.sinks ?? []), ...(aws.s3Sink ? [aws.s3Sink] : [])],
    logger: wiring.logger,
    region: wiring.region,
    surface: wiring.surface,
    secrets: wiring.secrets,
    ...runLockOf(wiring, aws.runLockStore),
  };
}

function runLockOf(wiring: PipelineWiring, s3Store: RunLockStore | undefined): Pick<PipelineDependencies, 'runLock'> {
  const store = s3Store ?? wiring.localLockStore;
  return wiring.lockHolder && store ? { runLock: { store, holder: wiring.lockHolder } } : {};
}
