import { ArnFormat, Aws, Duration, FeatureFlags, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FANOUT_EXECUTION_TIMEOUT_HOURS } from '../handlers/lambda-settings';
import { runFilesPrefix } from '../handlers/run-files';
import { acknowledgeWildcardResources } from '../nag';
import { DeploymentSettingError } from '../settings';
import { OrgmetaFunction } from './orgmeta-function';
import type { CollectorModeProps, ScheduledCollector } from './scheduled-collector';

/**
 * Lambda errors that say nothing about the tenant: the service failed, or throttled the
 * invocation (account concurrency). The same retry as LambdaInvoke's default, plus throttling.
 */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

function retryLambdaServiceErrors(task: tasks.LambdaInvoke): tasks.LambdaInvoke {
  task.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/** A Distributed Map runs at most this many child executions at once. */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;

/**
 * Tenants collected at once by default. Each tenant is its own organization, so Organizations
 * throttling does not add up across tenants; what is shared is the collector account: its Lambda
 * concurrency (1,000 by default, 100 of which must stay unreserved), STS AssumeRole and S3. 50
 * reserves 5% of a default account and, at 1 to 3 minutes per typical tenant, collects 1,000
 * tenants in 20 to 60 minutes, well inside the execution's 12-hour timeout.
 */
export const DEFAULT_MAX_CONCURRENCY = 50;

/** The context flag without which aws-cdk-lib 2.276 silently drops `resultWriterV2` from the definition. */
export const RESULT_WRITER_V2_FLAG = '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2';

export interface FanoutCollectorProps extends CollectorModeProps {
  /** Tenants collected at once (1 to 10,000), also the collect function's reserved concurrency. @default 50 */
  readonly maxConcurrency?: number;
  /** Where the run's files go (`<prefix>_runs/`), as the Lambda uses it (normalised). */
  readonly prefix: string;
  readonly bucket: s3.IBucket;
  readonly reportKmsKeyArn?: string;
}

/** Tenants collected at once; the error names the context key that sets it. */
export function checkedMaxConcurrency(value: number, given: string = String(value)): number {
  if (!Number.isInteger(value) || value < 1 || value > DISTRIBUTED_MAP_MAX_CONCURRENCY) {
    throw new DeploymentSettingError(
      `Invalid maxConcurrency (context "maxConcurrency"): "${given}" is not a whole number from 1 to ${DISTRIBUTED_MAP_MAX_CONCURRENCY.toLocaleString('en-US')}; it is the number of tenants collected at once (the Distributed Map's MaxConcurrency and the collect function's reserved concurrency), e.g. -c maxConcurrency=${DEFAULT_MAX_CONCURRENCY}.`,
    );
  }
  return value;
}

/** Object ARNs of one kind of run file: the item reader and the result writer need nothing else of the bucket (not the checkpoints). */
function runFileObjects(bucket: s3.IBucket, prefix: string, file: string): string {
  return bucket.arnForObjects(`${runFilesPrefix(prefix)}*/${file}`);
}

/** The JSON Lines reader, granted s3:GetObject on the run files only (aws-cdk-lib grants `bucket/*`). */
class RunFilesItemReader extends sfn.S3JsonLItemReader {
  constructor(
    props: sfn.S3FileItemReaderProps,
    private readonly runFiles: string,
  ) {
    super(props);
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.runFiles] })];
  }
}

/** The result writer, granted its S3 actions on the run files only (aws-cdk-lib grants `bucket/*`). */
class RunFilesResultWriter extends sfn.ResultWriterV2 {
  constructor(
    props: sfn.ResultWriterV2Props,
    private readonly runFiles: string,
  ) {
    super(props);
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.runFiles],
      }),
    ];
  }
}

/**
 * Fan-out mode: Step Functions lists the tenants, collects each in its own Lambda invocation
 * (bounded concurrency, per-tenant retries) and writes the manifest, for fleets that outgrow
 * one 15-minute invocation.
 */
export class FanoutCollector extends Construct implements ScheduledCollector {
  readonly stateMachine: sfn.StateMachine;
  readonly collectorRole: iam.IRole;
  readonly failedRuns: cloudwatch.IMetric;
  readonly stoppedRuns: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, props: FanoutCollectorProps) {
    super(scope, id);
    const maxConcurrency = checkedMaxConcurrency(props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    // Without the flag, aws-cdk-lib drops the result writer silently: the Map would then return every
    // tenant's result in the state, the very limit this mode exists to avoid.
    if (!FeatureFlags.of(this).isEnabled(RESULT_WRITER_V2_FLAG)) {
      throw new DeploymentSettingError(
        `The fan-out needs the context flag "${RESULT_WRITER_V2_FLAG}": true (apps/cdk/cdk.json sets it); without it the Distributed Map's result writer is left out.`,
      );
    }
    const make = (fnId: string, handler: string, description: string, timeout: Duration, reserved?: number) =>
      new OrgmetaFunction(this, fnId, {
        entryFile: 'fanout.ts',
        handler,
        description,
        timeout,
        environment: props.environment,
        logRetention: props.logRetention,
        reservedConcurrentExecutions: reserved,
      });
    const list = make(
      'ListTenants',
      'listTenants',
      "orgmeta fan-out: reads the tenant table, writes the run's tenant list",
      Duration.minutes(5),
    );
    // Reserved as many as the Map runs at once: the Map cannot starve the account, nor the account the Map.
    const collect = make('CollectTenant', 'collectOneTenant', 'orgmeta fan-out: collects one tenant', Duration.minutes(15), maxConcurrency);
    const manifest = make(
      'WriteManifest',
      'writeRunManifest',
      'orgmeta fan-out: reads the results, writes the run manifest',
      Duration.minutes(5),
    );
    const { grants } = props;
    grants.readTenants(list.executionRole);
    grants.readTenants(collect.executionRole, { byKey: true });
    grants.assumeReaderRoles(collect.executionRole);
    grants.writeReports(collect.executionRole);
    grants.readSnapshots(collect.executionRole);
    grants.removeCheckpoints(collect.executionRole);
    grants.publishChangeEvents(collect.executionRole);
    grants.writeReports(manifest.executionRole);
    grants.readRunFiles(manifest.executionRole);
    // The summarize step sweeps the run's checkpoints that tenants left behind (a stopped child, a timeout).
    grants.removeCheckpoints(manifest.executionRole, { sweep: true });
    // The plan step takes the run lock, the summarize step releases it.
    grants.holdRunLock(list.executionRole);
    grants.holdRunLock(manifest.executionRole);

    const stack = Stack.of(this);
    const stateMachineName = `${stack.stackName}-collector`;
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // No overlapping runs: an execution that finds another one running stops at once.
    const runningExecutions = new tasks.CallAwsService(this, 'FindRunningExecutions', {
      service: 'sfn',
      action: 'listExecutions',
      parameters: { StateMachineArn: sfn.JsonPath.stringAt('$$.StateMachine.Id'), StatusFilter: 'RUNNING', MaxResults: 2 },
      iamResources: [stateMachineArn],
      iamAction: 'states:ListExecutions',
      resultSelector: { 'count.$': 'States.ArrayLength($.Executions)' },
      resultPath: '$.running',
    });
    const overlapping = new sfn.Fail(this, 'AnotherRunInProgress', {
      error: 'AnotherRunInProgress',
      cause: 'Another collection run is still running; this one did not start.',
    });

    const listTenants = retryLambdaServiceErrors(
      new tasks.LambdaInvoke(this, 'ListTenantsTask', {
        lambdaFunction: list,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath: '$.run',
      }),
    );
    // The task answers the tenant's record, or `{ resume }` when it saved a checkpoint and must go on
    // in a new invocation (resumable tenants); the child's input stays in the state for the next round.
    const collectTenant = retryLambdaServiceErrors(
      new tasks.LambdaInvoke(this, 'CollectTenantTask', {
        lambdaFunction: collect,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject({
          'tenant.$': '$.tenant',
          'runId.$': '$.runId',
          'startedAt.$': '$.startedAt',
        }),
        resultPath: '$.collected',
      }),
    );
    collectTenant.addRetry({
      errors: ['TenantThrottledError'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // What a tenant's record says when its task failed past the retries. The child execution then
    // succeeds with this record as its output, so the result writer files it with the others. The
    // error's Cause (a stack trace, or an AWS message of any length) is not copied: a record stays small.
    const markFailed = new sfn.Pass(this, 'TenantTaskFailed', {
      parameters: {
        'tenantId.$': '$.tenant.tenantId',
        'tenantName.$': '$.tenant.tenantName',
        status: 'failed',
        accounts: 0,
        durationMs: 0,
        error: {
          'code.$': '$.taskError.Error',
          message: sfn.JsonPath.format('The tenant task failed after its retries with {}.', sfn.JsonPath.stringAt('$.taskError.Error')),
          hint: 'See the CollectTenant logs of this run for the cause; the next run collects the tenant again.',
        },
      },
    });
    collectTenant.addCatch(markFailed, { errors: ['States.ALL'], resultPath: '$.taskError' });
    // A paused tenant waits (0 s after a deadline, longer after throttling) and is invoked again; a
    // finished one ends its child execution with its record as the output.
    const waitToResume = new sfn.Wait(this, 'WaitBeforeResuming', {
      time: sfn.WaitTime.secondsPath('$.collected.resume.waitSeconds'),
    });
    const tenantCollected = new sfn.Pass(this, 'TenantCollected', { outputPath: '$.collected' });
    const perTenantWorkflow = collectTenant.next(
      new sfn.Choice(this, 'TenantPaused?')
        .when(sfn.Condition.isPresent('$.collected.resume'), waitToResume.next(collectTenant))
        .otherwise(tenantCollected),
    );

    const tenantLists = runFileObjects(props.bucket, props.prefix, 'tenants.jsonl');
    const resultFiles = runFileObjects(props.bucket, props.prefix, 'results/*');
    // One child execution per line of the run's tenant list; results go to S3 beside it. The state
    // holds only the list's key and the result writer's manifest key, whatever the fleet's size.
    const perTenant = new sfn.DistributedMap(this, 'CollectEachTenant', {
      itemReader: new RunFilesItemReader({ bucket: props.bucket, key: sfn.JsonPath.stringAt('$.run.tenantsKey') }, tenantLists),
      itemSelector: { 'tenant.$': '$$.Map.Item.Value', 'runId.$': '$.run.runId', 'startedAt.$': '$.run.startedAt' },
      maxConcurrency,
      // A failed tenant is a result (the task catches it), never a reason to stop the others.
      toleratedFailurePercentage: 100,
      resultWriterV2: new RunFilesResultWriter({ bucket: props.bucket, prefix: sfn.JsonPath.stringAt('$.run.resultsPrefix') }, resultFiles),
      resultPath: '$.results',
    });
    // STANDARD children: a tenant takes up to 15 minutes per chunk, and as many chunks as it needs (EXPRESS children stop at 5 minutes).
    perTenant.itemProcessor(perTenantWorkflow, { mode: sfn.ProcessorMode.DISTRIBUTED, executionType: sfn.ProcessorType.STANDARD });
    perTenant.addRetry({
      errors: ['States.ItemReaderFailed', 'States.ResultWriterFailed'],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });

    // The summarize function, given the run and either the result writer's manifest or the Map's error.
    const summarize = (id: string, outcome: Record<string, string>) =>
      retryLambdaServiceErrors(
        new tasks.LambdaInvoke(this, id, {
          lambdaFunction: manifest,
          payloadResponseOnly: true,
          retryOnServiceExceptions: false,
          payload: sfn.TaskInput.fromObject({ 'runId.$': '$.run.runId', 'startedAt.$': '$.run.startedAt', ...outcome }),
        }),
      );
    const writeManifest = summarize('WriteManifestTask', { 'resultWriterDetails.$': '$.results.ResultWriterDetails' });
    // The Map itself failing (its item reader or result writer, past their retries) still ends in a
    // manifest, every tenant in it as missing, and the run lock released; the run then fails.
    const writeManifestAfterMapFailure = summarize('WriteManifestAfterMapFailure', { 'mapError.$': '$.mapError.Error' });
    perTenant.addCatch(writeManifestAfterMapFailure, { errors: ['States.ALL'], resultPath: '$.mapError' });

    const definition = runningExecutions.next(
      new sfn.Choice(this, 'OnlyRun?')
        .when(sfn.Condition.numberGreaterThan('$.running.count', 1), overlapping)
        .otherwise(listTenants.next(perTenant).next(writeManifest)),
    );
    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Collector', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(FANOUT_EXECUTION_TIMEOUT_HOURS),
      tracingEnabled: true,
      // Execution data stays out of the logs: it names tenants, and errors can quote AWS messages.
      logs: { destination: machineLogs, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason: 'Only ERROR events are logged, without execution data; tenant results are in the run manifest in S3.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing and CloudWatch Logs delivery for Step Functions require Resource "*".',
      },
    );
    if (props.reportKmsKeyArn) {
      // The tenant list was written with the report key; the result writer encrypts as the bucket does.
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'RunFilesEncryption',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.reportKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
        }),
      );
    }
    // As the Distributed Map grants them: its own child executions (the execution name is not known before a run).
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${Fn.select(6, Fn.split(':', this.stateMachine.stateMachineArn))}`;
    acknowledgeWildcardResources(
      this.stateMachine,
      [`${executions}:*`, `${executions}/*:*`],
      "The Distributed Map starts, describes and stops this state machine's own child executions, whose names are made per run.",
    );
    acknowledgeWildcardResources(
      this.stateMachine,
      [tenantLists, resultFiles],
      "The Distributed Map reads the run's tenant list and writes its results under <prefix>_runs/ only.",
    );
    acknowledgeWildcardResources(
      this.stateMachine,
      [list, collect, manifest].map((fn) => `${fn.functionArn}:*`),
      "lambda:InvokeFunction on the handlers' versions, as the LambdaInvoke task grants it.",
    );
    this.collectorRole = collect.executionRole;
    this.failedRuns = this.stateMachine.metricFailed({ period: Duration.hours(1), statistic: 'Sum' });
    // A timed-out or aborted execution is not "failed" to Step Functions, and writes no manifest.
    this.stoppedRuns = new cloudwatch.MathExpression({
      expression: 'FILL(timedOut, 0) + FILL(aborted, 0)',
      usingMetrics: {
        timedOut: this.stateMachine.metricTimedOut({ statistic: 'Sum' }),
        aborted: this.stateMachine.metricAborted({ statistic: 'Sum' }),
      },
      period: Duration.hours(1),
      label: 'Executions timed out or aborted',
    });
  }

  scheduleTarget(options: schedulerTargets.ScheduleTargetBaseProps): scheduler.IScheduleTarget {
    return new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, options);
  }
}
