import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
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

/** An inline Map runs at most this many iterations at once (a Distributed Map would be needed beyond). */
export const INLINE_MAP_MAX_CONCURRENCY = 40;

export interface FanoutCollectorProps extends CollectorModeProps {
  /** Tenants collected at once (1 to 40). @default 10 */
  readonly maxConcurrency?: number;
}

/** Tenants collected at once, as an inline Map allows; the error names the context key that sets it. */
export function checkedMaxConcurrency(value: number, given: string = String(value)): number {
  if (!Number.isInteger(value) || value < 1 || value > INLINE_MAP_MAX_CONCURRENCY) {
    throw new DeploymentSettingError(
      `Invalid maxConcurrency (context "maxConcurrency"): "${given}" is not a whole number from 1 to ${INLINE_MAP_MAX_CONCURRENCY}; the fan-out's inline Map runs at most ${INLINE_MAP_MAX_CONCURRENCY} tenants at once.`,
    );
  }
  return value;
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
    const maxConcurrency = checkedMaxConcurrency(props.maxConcurrency ?? 10);
    const make = (fnId: string, handler: string, description: string, timeout: Duration) =>
      new OrgmetaFunction(this, fnId, {
        entryFile: 'fanout.ts',
        handler,
        description,
        timeout,
        environment: props.environment,
        logRetention: props.logRetention,
      });
    const list = make('ListTenants', 'listTenants', 'orgmeta fan-out: reads the tenant table and names the run', Duration.minutes(2));
    const collect = make('CollectTenant', 'collectOneTenant', 'orgmeta fan-out: collects one tenant', Duration.minutes(15));
    const manifest = make('WriteManifest', 'writeRunManifest', 'orgmeta fan-out: writes the run manifest', Duration.minutes(2));
    const { grants } = props;
    grants.readTenants(list.executionRole);
    grants.readTenants(collect.executionRole, { byKey: true });
    grants.assumeReaderRoles(collect.executionRole);
    grants.writeReports(collect.executionRole);
    grants.readSnapshots(collect.executionRole);
    grants.publishChangeEvents(collect.executionRole);
    grants.writeReports(manifest.executionRole);
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
    const collectTenant = retryLambdaServiceErrors(
      new tasks.LambdaInvoke(this, 'CollectTenantTask', {
        lambdaFunction: collect,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      }),
    );
    collectTenant.addRetry({
      errors: ['TenantThrottledError'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // What a tenant's entry in the Map output says when its task failed past the retries. The
    // error's Cause (a stack trace, or an AWS message of any length) is never copied: the state
    // of every tenant together must stay under 256 KiB. The handler itself returns bounded
    // failed results, so this only sees Lambda and Step Functions errors (timeouts, throttling).
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

    const perTenant = new sfn.Map(this, 'CollectEachTenant', {
      itemsPath: '$.run.tenants',
      maxConcurrency,
      itemSelector: { 'tenant.$': '$$.Map.Item.Value', 'runId.$': '$.run.runId', 'startedAt.$': '$.run.startedAt' },
      resultPath: '$.results',
    });
    perTenant.itemProcessor(collectTenant);

    const writeManifest = retryLambdaServiceErrors(
      new tasks.LambdaInvoke(this, 'WriteManifestTask', {
        lambdaFunction: manifest,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject({
          'runId.$': '$.run.runId',
          'startedAt.$': '$.run.startedAt',
          'notSelected.$': '$.run.notSelected',
          'invalidRecords.$': '$.run.invalidRecords',
          'results.$': '$.results',
        }),
      }),
    );

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
      timeout: Duration.hours(12),
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
