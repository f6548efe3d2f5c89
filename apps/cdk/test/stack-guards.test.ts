import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { READER_ACTIONS } from '../src/reader-role-stack';
import { functionEnvironment, stateMachineDefinition, statementsOf, synthApp } from './synth-app';

const READ_TABLE = ['dynamodb:DescribeTable', 'dynamodb:Scan'];
const LAMBDA_SERVICE_RETRY = {
  ErrorEquals: [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

function alarmWith(template: Template, metricName: string): Record<string, unknown> {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];
  const found = alarms.find((a) => JSON.stringify(a.Properties).includes(`"${metricName}"`));
  if (!found) throw new Error(`no alarm on ${metricName}`);
  return found.Properties;
}

describe('Deployment settings that cannot contradict the IAM policy', () => {
  it.each(['/reports/', 'reports', '//reports'])('normalises reportPrefix=%s once, for the function and the policy alike', (given) => {
    const { collector } = synthApp({ reportPrefix: given });
    expect(functionEnvironment(collector).REPORT_PREFIX).toBe('reports/');
    expect(statementsOf(collector, 'CollectorRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Reports/), 'Arn'] }, '/reports/*']] },
        }),
      ]),
    );
  });

  it('takes a table ARN as the table: grants on that ARN and passes it to the function', () => {
    const arn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/shared-tenants';
    const { collector } = synthApp({ tenantsTableName: arn });
    expect(functionEnvironment(collector).TENANTS_TABLE_NAME).toBe(arn);
    expect(statementsOf(collector, 'CollectorRole')).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: READ_TABLE, Resource: arn })]),
    );
  });

  it('checks the table and role names at synth as the Lambda would at start', () => {
    expect(() => synthApp({ tenantsTableName: 'ab' })).toThrow(/^Invalid context "tenantsTableName": "ab" is not a DynamoDB table name/);
    expect(() => synthApp({ readerRoleName: 'Org Meta' })).toThrow(/^Invalid context "readerRoleName": "Org Meta" is not an IAM role name/);
    expect(() => synthApp({ extraReaderRoleNames: 'Ok,Not Ok' })).toThrow(/^Invalid context "extraReaderRoleNames": "Not Ok"/);
  });

  it('checks the existing bucket, its owner and the KMS key ARN at synth', () => {
    expect(() => synthApp({ existingBucketName: 'My_Bucket' })).toThrow(
      /^Invalid context "existingBucketName": "My_Bucket" is not a valid S3 bucket name/,
    );
    expect(() => synthApp({ existingBucketName: 'shared-reports', existingBucketOwner: 'acct' })).toThrow(
      'Invalid context "existingBucketOwner": "acct" is not a 12-digit AWS account ID.',
    );
    expect(() => synthApp({ reportKmsKeyArn: 'alias/reports' })).toThrow(
      /^Invalid context "reportKmsKeyArn": "alias\/reports" is not a KMS key ARN/,
    );
    expect(() => synthApp({ reportKmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' })).toThrow(/not its ID or an alias/);
  });

  it('scopes the KMS grant to S3 calls in the stack region', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { collector } = synthApp({ reportKmsKeyArn: key });
    expect(statementsOf(collector, 'CollectorRole')).toEqual(
      expect.arrayContaining([
        {
          Sid: 'EncryptReports',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: key,
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
            },
          },
        },
      ]),
    );
  });
});

describe.each(['single', 'fanout'])('Operations, %s mode', (mode) => {
  const { collector } = synthApp({ mode, alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops-alerts' });

  it('alarms when no run succeeded in 26 hours, counting no data at all as a breach', () => {
    expect(alarmWith(collector, 'RunsSucceeded')).toMatchObject({
      Namespace: 'Orgmeta',
      Dimensions: [{ Name: 'Collector', Value: 'OrgmetaCollector' }],
      Statistic: 'Sum',
      Period: 26 * 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // The handlers name their metrics with what the stack gives them.
    const environments = Object.values(collector.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables,
    );
    for (const environment of environments) expect(environment.COLLECTOR_NAME).toBe('OrgmetaCollector');
  });

  it("alarms when the schedule's dead-letter queue holds a start that never happened", () => {
    expect(alarmWith(collector, 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('notifies the SNS topic from every alarm', () => {
    const alarms = Object.values(collector.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions?: unknown } }[];
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:ops-alerts']);
  });

  it('sends undelivered schedule events to an encrypted, TLS-only queue kept 14 days', () => {
    collector.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    collector.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    expect(statementsOf(collector, 'ScheduleRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
        }),
      ]),
    );
  });

  it("lets only schedules of the collector's own group in this account assume the scheduler role", () => {
    collector.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleGroup'), 'Arn'] },
              },
            },
          },
        ],
      },
    });
    const [group] = Object.values(collector.findResources('AWS::Scheduler::ScheduleGroup')) as { Properties: { Name: string } }[];
    collector.hasResource('AWS::Scheduler::Schedule', {
      Properties: Match.objectLike({ GroupName: group.Properties.Name }),
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^ScheduleGroup')]),
    });
  });

  it('keeps every log group when the stack is deleted', () => {
    const logGroups = Object.values(collector.findResources('AWS::Logs::LogGroup')) as {
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
    }[];
    expect(logGroups.length).toBe(mode === 'single' ? 1 : 4);
    for (const logGroup of logGroups) expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('Fan-out operations', () => {
  const { collector } = synthApp({ mode: 'fanout' });

  it('alarms on executions that timed out or were aborted (they write no manifest and do not count as failed)', () => {
    const alarm = alarmWith(collector, 'ExecutionsTimedOut');
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(alarm)).toContain('"ExecutionsAborted"');
    expect(alarm.Metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ Expression: 'FILL(timedOut, 0) + FILL(aborted, 0)' })]),
    );
  });

  it('retries Lambda throttling (TooManyRequestsException) with the Lambda service errors, in every task', () => {
    const definition = stateMachineDefinition(collector);
    const tasks = [
      definition.States.ListTenantsTask,
      definition.States.CollectEachTenant.ItemProcessor.States.CollectTenantTask,
      definition.States.WriteManifestTask,
    ];
    for (const task of tasks) expect(task.Retry).toContainEqual(LAMBDA_SERVICE_RETRY);
  });
});

describe('TenantReaderRoleStack permissions', () => {
  it('allows exactly the Organizations and Account Management operations the adapters call', () => {
    // Prepare: every Organizations and Account Management command or paginator the adapters import.
    const sourceDir = join(__dirname, '..', '..', '..', 'packages', 'aws-adapters', 'src');
    const called = new Set<string>();
    for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(sourceDir, file), 'utf8');
      for (const [, names, client] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(organizations|account)'/g)) {
        for (const name of names.split(',').map((n) => n.trim())) {
          const operation = /^paginate(\w+)$/.exec(name)?.[1] ?? /^(\w+)Command$/.exec(name)?.[1];
          if (operation) called.add(`${client}:${operation}`);
        }
      }
    }
    // Assess
    expect(called).toContain('account:GetAlternateContact');
    expect(called).toContain('account:ListRegions');
    expect([...READER_ACTIONS].sort()).toEqual([...called].sort());
    const { reader } = synthApp();
    const statements = reader.findResources('AWS::IAM::Role');
    const granted = Object.values(statements).flatMap((role) =>
      (
        role as { Properties: { Policies: { PolicyDocument: { Statement: { Action: string | string[] }[] } }[] } }
      ).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement.flatMap((statement) => statement.Action)),
    );
    expect(granted.sort()).toEqual([...READER_ACTIONS].sort());
  });
});
