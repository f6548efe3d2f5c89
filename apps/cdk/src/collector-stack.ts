import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { OrgmetaFunction } from './constructs/orgmeta-function';
import { acknowledgeWildcardResources } from './nag';

export type CollectorMode = 'single' | 'fanout';

export interface CollectorStackProps extends StackProps {
  /** `single`: one Lambda runs the whole job (fits in 15 minutes). `fanout`: Step Functions runs one task per tenant. */
  readonly mode: CollectorMode;
  /** Existing DynamoDB table of tenants. */
  readonly tenantsTableName: string;
  /** Role assumed in each tenant's management account. */
  readonly readerRoleName: string;
  /** Other role names tenants may carry in their `role_name` attribute (the collector may assume only these). */
  readonly extraReaderRoleNames?: string[];
  /** Use this bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** @default 'org-accounts/' */
  readonly reportPrefix?: string;
  /** KMS key ARN for SSE-KMS uploads (the collector gets kms:GenerateDataKey on it). */
  readonly reportKmsKeyArn?: string;
  /** Days before reports move to S3 Standard-IA (created bucket only). @default 30 */
  readonly infrequentAccessAfterDays?: number;
  /** EventBridge Scheduler cron fields. @default daily 02:00 */
  readonly scheduleCron?: scheduler.CronOptionsWithTimezone;
  /** Map concurrency in fanout mode (at most 40 for an inline Map). @default 10 */
  readonly maxConcurrency?: number;
  /** SNS topic that the failed-run alarm notifies. */
  readonly alarmTopicArn?: string;
  /** Extra environment for the handlers (TAG_KEYS, INCLUDE_OU_PATH, TENANT_STATUS, ORG_RPS…). */
  readonly collectorEnvironment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The scheduled collector: the same pipeline as the CLI, in one Lambda (`single`) or as a
 * Step Functions fan-out with one task per tenant (`fanout`), writing to S3, with an alarm
 * on failed runs and least-privilege roles.
 */
export class CollectorStack extends Stack {
  readonly bucket: s3.IBucket;
  /** The role tenants' reader roles must trust (deploy TenantReaderRoleStack with it). */
  readonly collectorRole: iam.IRole;

  constructor(scope: Construct, id: string, props: CollectorStackProps) {
    super(scope, id, props);
    const prefix = props.reportPrefix ?? 'org-accounts/';
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.bucket = props.existingBucketName
      ? s3.Bucket.fromBucketName(this, 'Reports', props.existingBucketName)
      : this.createBucket(props.infrequentAccessAfterDays ?? 30);

    const environment: Record<string, string> = {
      TENANTS_TABLE_NAME: props.tenantsTableName,
      CROSS_ACCOUNT_ROLE_NAME: props.readerRoleName,
      REPORT_BUCKET_NAME: this.bucket.bucketName,
      REPORT_PREFIX: prefix,
      REPORT_BUCKET_OWNER: Aws.ACCOUNT_ID,
      ...(props.reportKmsKeyArn ? { REPORT_KMS_KEY_ID: props.reportKmsKeyArn } : {}),
      ...props.collectorEnvironment,
    };
    const grants = new CollectorGrants(this, props, prefix);

    let failures: cloudwatch.IMetric;
    if (props.mode === 'single') {
      const collector = new OrgmetaFunction(this, 'Collector', {
        entryFile: 'collect-all.ts',
        handler: 'handler',
        description: 'orgmeta: collects every tenant and writes the reports and manifest',
        timeout: Duration.minutes(15),
        environment,
        logRetention,
        memorySize: 1024,
        // No overlapping runs.
        reservedConcurrentExecutions: 1,
      });
      grants.readTenants(collector.executionRole);
      grants.assumeReaderRoles(collector.executionRole);
      grants.writeReports(collector.executionRole);
      this.collectorRole = collector.executionRole;
      this.schedule(props, new schedulerTargets.LambdaInvoke(collector, { retryAttempts: 0, role: this.schedulerRole() }));
      failures = collector.metricErrors({ period: Duration.hours(1), statistic: 'Sum' });
    } else {
      const machine = this.fanout(props, environment, grants, logRetention);
      this.collectorRole = machine.collectorRole;
      this.schedule(
        props,
        new schedulerTargets.StepFunctionsStartExecution(machine.stateMachine, { retryAttempts: 0, role: this.schedulerRole() }),
      );
      failures = machine.stateMachine.metricFailed({ period: Duration.hours(1), statistic: 'Sum' });
    }

    const alarm = new cloudwatch.Alarm(this, 'FailedRunAlarm', {
      alarmDescription:
        'orgmeta: a collection run failed (at least one tenant failed or the run could not start); see the run manifest and logs',
      metric: failures,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn) alarm.addAlarmAction(new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)));

    new CfnOutput(this, 'CollectorRoleArn', {
      value: this.collectorRole.roleArn,
      description: 'Trust this role in each tenant reader role (TenantReaderRoleStack CollectorRoleArn)',
    });
    new CfnOutput(this, 'ReportBucketName', { value: this.bucket.bucketName });
  }

  private createBucket(infrequentAccessAfterDays: number): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Reports', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(infrequentAccessAfterDays) }] },
        { noncurrentVersionExpiration: Duration.days(90) },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Reports are written only by the collector role; S3 server access logs would need a second bucket. Use CloudTrail data events where access auditing is required.',
    });
    return bucket;
  }

  private schedulerRole(): iam.Role {
    return new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'orgmeta: starts the daily run',
    });
  }

  private schedule(props: CollectorStackProps, target: scheduler.IScheduleTarget): void {
    new scheduler.Schedule(this, 'Schedule', {
      description: 'orgmeta: daily collection run',
      schedule: scheduler.ScheduleExpression.cron(props.scheduleCron ?? { minute: '0', hour: '2' }),
      target,
    });
    const invokedFunction = this.node.tryFindChild('Collector');
    if (invokedFunction instanceof OrgmetaFunction) {
      acknowledgeWildcardResources(
        this.node.findChild('SchedulerRole'),
        [`${invokedFunction.functionArn}:*`],
        "lambda:InvokeFunction on the collector's versions, as the Scheduler target grants it.",
      );
    }
  }

  private fanout(
    props: CollectorStackProps,
    environment: Record<string, string>,
    grants: CollectorGrants,
    logRetention: logs.RetentionDays,
  ) {
    const make = (id: string, handler: string, description: string, timeout: Duration) =>
      new OrgmetaFunction(this, id, { entryFile: 'fanout.ts', handler, description, timeout, environment, logRetention });
    const list = make('ListTenants', 'listTenants', 'orgmeta fan-out: reads the tenant table and names the run', Duration.minutes(2));
    const collect = make('CollectTenant', 'collectOneTenant', 'orgmeta fan-out: collects one tenant', Duration.minutes(15));
    const manifest = make('WriteManifest', 'writeRunManifest', 'orgmeta fan-out: writes the run manifest', Duration.minutes(2));
    grants.readTenants(list.executionRole);
    grants.readTenants(collect.executionRole);
    grants.assumeReaderRoles(collect.executionRole);
    grants.writeReports(collect.executionRole);
    grants.writeReports(manifest.executionRole);

    const stateMachineName = `${this.stackName}-collector`;
    const stateMachineArn = this.formatArn({
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

    const listTenants = new tasks.LambdaInvoke(this, 'ListTenantsTask', {
      lambdaFunction: list,
      payloadResponseOnly: true,
      resultPath: '$.run',
    });
    const collectTenant = new tasks.LambdaInvoke(this, 'CollectTenantTask', {
      lambdaFunction: collect,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    collectTenant.addRetry({
      errors: ['TenantThrottledError'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    const markFailed = new sfn.Pass(this, 'TenantTaskFailed', {
      parameters: {
        'tenantId.$': '$.tenant.tenantId',
        'tenantName.$': '$.tenant.tenantName',
        status: 'failed',
        accounts: 0,
        durationMs: 0,
        error: {
          'code.$': '$.taskError.Error',
          'message.$': '$.taskError.Cause',
          hint: 'The tenant task failed after its retries; see the CollectTenant logs for this run.',
        },
      },
    });
    collectTenant.addCatch(markFailed, { errors: ['States.ALL'], resultPath: '$.taskError' });

    const perTenant = new sfn.Map(this, 'CollectEachTenant', {
      itemsPath: '$.run.tenants',
      maxConcurrency: props.maxConcurrency ?? 10,
      itemSelector: { 'tenant.$': '$$.Map.Item.Value', 'runId.$': '$.run.runId', 'startedAt.$': '$.run.startedAt' },
      resultPath: '$.results',
    });
    perTenant.itemProcessor(collectTenant);

    const writeManifest = new tasks.LambdaInvoke(this, 'WriteManifestTask', {
      lambdaFunction: manifest,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({
        'runId.$': '$.run.runId',
        'startedAt.$': '$.run.startedAt',
        'notSelected.$': '$.run.notSelected',
        'invalidRecords.$': '$.run.invalidRecords',
        'results.$': '$.results',
      }),
    });

    const definition = runningExecutions.next(
      new sfn.Choice(this, 'OnlyRun?')
        .when(sfn.Condition.numberGreaterThan('$.running.count', 1), overlapping)
        .otherwise(listTenants.next(perTenant).next(writeManifest)),
    );
    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const stateMachine = new sfn.StateMachine(this, 'Collector', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(12),
      tracingEnabled: true,
      // Execution data stays out of the logs: it names tenants, and errors can quote AWS messages.
      logs: { destination: machineLogs, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    Validations.of(stateMachine).acknowledge(
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
      stateMachine,
      [list, collect, manifest].map((fn) => `${fn.functionArn}:*`),
      "lambda:InvokeFunction on the handlers' versions, as the LambdaInvoke task grants it.",
    );
    return { stateMachine, collectorRole: collect.executionRole };
  }
}

/** The collector's permissions, each scoped to exactly what the pipeline touches. */
class CollectorGrants {
  constructor(
    private readonly stack: CollectorStack,
    private readonly props: CollectorStackProps,
    private readonly prefix: string,
  ) {}

  readTenants(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTenantTable',
        actions: ['dynamodb:Scan'],
        resources: [this.stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: this.props.tenantsTableName })],
      }),
    );
  }

  assumeReaderRoles(role: iam.Role): void {
    const names = [this.props.readerRoleName, ...(this.props.extraReaderRoleNames ?? [])];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTenantReaderRoles',
        actions: ['sts:AssumeRole'],
        resources: names.map((name) => `arn:${Aws.PARTITION}:iam::*:role/${name}`),
      }),
    );
    acknowledgeWildcardResources(
      role,
      names.map((name) => `arn:${Aws.PARTITION}:iam::*:role/${name}`),
      'Tenants are other AWS accounts listed in the tenant table: the account is a wildcard, the role name is fixed.',
    );
  }

  writeReports(role: iam.Role): void {
    const reportObjects = this.stack.bucket.arnForObjects(`${this.prefix}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteReports', actions: ['s3:PutObject'], resources: [reportObjects] }));
    if (this.props.reportKmsKeyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'EncryptReports', actions: ['kms:GenerateDataKey'], resources: [this.props.reportKmsKeyArn] }),
      );
    }
    acknowledgeWildcardResources(
      role,
      [reportObjects],
      'Report keys are per date and tenant under the report prefix; only s3:PutObject under that prefix is allowed.',
    );
  }
}
