import { Match } from 'aws-cdk-lib/assertions';
import { READER_ACTIONS } from '../src/reader-role-stack';
import { partitionArn, stateMachineDefinition, statementsOf, synthApp } from './synth-app';

const TABLE_ARN = partitionArn(':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/orgmeta-tenants');
const READER_ROLES = partitionArn(':iam::*:role/OrgMetaReader');
const REPORT_OBJECTS = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Reports'), 'Arn'] }, '/org-accounts/*']] };
const READ_TABLE = ['dynamodb:DescribeTable', 'dynamodb:Scan'];
const RUN_LOCK_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'];
const RUN_LOCK_OBJECT = {
  'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Reports'), 'Arn'] }, '/org-accounts/_lock/run.json']],
};
// Objects named <file> under every run's files (_runs/<any run>/<file>).
const runFiles = (file: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Reports/), 'Arn'] }, `/org-accounts/_runs/*/${file}`]],
});
const REPORT_BUCKET = { 'Fn::GetAtt': [expect.stringMatching('^Reports'), 'Arn'] };
// The previous snapshot: GetObject under the prefix, and ListBucket on the prefix only (else a missing pointer is 403, not 404).
const READ_SNAPSHOTS = [
  expect.objectContaining({ Action: 's3:GetObject' }),
  expect.objectContaining({
    Action: 's3:ListBucket',
    Resource: REPORT_BUCKET,
    Condition: { StringLike: { 's3:prefix': ['org-accounts/*'] } },
  }),
];
const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 };
const logWrite = (logGroup: string) => ({
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [expect.stringMatching(`^${logGroup}`), 'Arn'] },
});

describe('CollectorStack, single mode', () => {
  const { collector } = synthApp();

  it('runs one arm64 Node.js Lambda with reserved concurrency 1, JSON logs and the CLI environment', () => {
    collector.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      ReservedConcurrentExecutions: 1,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          TENANTS_TABLE_NAME: 'orgmeta-tenants',
          CROSS_ACCOUNT_ROLE_NAME: 'OrgMetaReader',
          REPORT_PREFIX: 'org-accounts/',
          REPORT_BUCKET_NAME: { Ref: Match.stringLikeRegexp('^Reports') },
          REPORT_BUCKET_OWNER: { Ref: 'AWS::AccountId' },
        }),
      },
    });
    collector.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    collector.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('gives the collector exactly: DescribeTable and Scan on the table, AssumeRole on the reader role, PutObject, GetObject (snapshots, HeadObject) and ListBucket under the prefix, the run lock', () => {
    expect(statementsOf(collector, 'CollectorRole')).toEqual([
      expect.objectContaining(logWrite('CollectorLogs')),
      expect.objectContaining({ Action: READ_TABLE, Resource: TABLE_ARN }),
      expect.objectContaining({ Action: 'sts:AssumeRole', Resource: READER_ROLES }),
      expect.objectContaining({ Action: 's3:PutObject' }),
      expect.objectContaining({ Action: RUN_LOCK_ACTIONS }),
      ...READ_SNAPSHOTS,
    ]);
    // The run lock: Put/Get/Delete on exactly one object, <prefix>_lock/run.json.
    collector.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'RunLock', Action: RUN_LOCK_ACTIONS, Resource: RUN_LOCK_OBJECT })]),
      },
    });
    collector.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject', Resource: REPORT_OBJECTS })]) },
    });
    collector.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('creates a private, encrypted, TLS-only, versioned bucket with a lifecycle to Standard-IA', () => {
    collector.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] })]),
      },
    });
    collector.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('schedules the Lambda daily at 02:00 UTC with a retry policy and a dead-letter queue, and alarms on errors', () => {
    collector.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Collector'), 'Arn'] },
        RetryPolicy: SCHEDULE_RETRY_POLICY,
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] } },
        RoleArn: Match.anyValue(),
      },
    });
    collector.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('lets tenants use the extra role names it lists, and passes pipeline settings to the handler', () => {
    const { collector: custom } = synthApp({
      extraReaderRoleNames: 'LegacyReader, AuditReader',
      environment: '{"TAG_KEYS":"CostCenter,Owner","INCLUDE_OU_PATH":"true"}',
    });
    expect(statementsOf(custom, 'CollectorRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'sts:AssumeRole',
          Resource: [READER_ROLES, partitionArn(':iam::*:role/LegacyReader'), partitionArn(':iam::*:role/AuditReader')],
        }),
      ]),
    );
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TAG_KEYS: 'CostCenter,Owner', INCLUDE_OU_PATH: 'true' }) },
    });
  });

  it('wires the fleet inventory context keys: formats and required tags for the handler, PutEvents on exactly the events bus', () => {
    const { collector: inventory } = synthApp({
      outputFormats: 'csv',
      requiredTags: 'CostCenter,Owner',
      changeEventsBus: 'orgmeta-changes',
    });
    inventory.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ OUTPUT_FORMATS: 'csv', REQUIRED_TAGS: 'CostCenter,Owner', CHANGE_EVENTS_BUS: 'orgmeta-changes' }),
      },
    });
    expect(statementsOf(inventory, 'CollectorRole').filter((s) => s.Action === 'events:PutEvents')).toEqual([
      expect.objectContaining({
        Resource: partitionArn(':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/orgmeta-changes'),
      }),
    ]);
    // Without a bus there is no PutEvents at all.
    expect(statementsOf(collector, 'CollectorRole').filter((s) => s.Action === 'events:PutEvents')).toEqual([]);
    // The bus is the stack's to wire (it grants on it), never through the raw environment.
    expect(() => synthApp({ environment: '{"CHANGE_EVENTS_BUS":"x"}' })).toThrow(/use the context key "changeEventsBus"/);
    expect(() => synthApp({ outputFormats: 'parquet' })).toThrow(/must include csv/);
  });

  it('uses an existing bucket by name, with a KMS key and an SNS topic for the alarm', () => {
    const { collector: existing } = synthApp({
      existingBucketName: 'my-existing-reports',
      reportKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops-alerts',
    });
    existing.resourceCountIs('AWS::S3::Bucket', 0);
    expect(statementsOf(existing, 'CollectorRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 's3:PutObject', Resource: partitionArn(':s3:::my-existing-reports/org-accounts/*') }),
        expect.objectContaining({
          Action: 'kms:GenerateDataKey',
          Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        }),
      ]),
    );
    existing.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:111122223333:ops-alerts'] });
  });
});

describe('CollectorStack, fanout mode', () => {
  const { collector } = synthApp({ mode: 'fanout', maxConcurrency: '7' });

  it('runs list -> Map (bounded, per-tenant retry on throttling, failures caught) -> manifest, refusing to overlap', () => {
    const definition = stateMachineDefinition(collector);
    expect(definition.StartAt).toBe('FindRunningExecutions');
    expect(definition.States.FindRunningExecutions.Parameters).toEqual({
      'StateMachineArn.$': '$$.StateMachine.Id',
      StatusFilter: 'RUNNING',
      MaxResults: 2,
    });
    expect(definition.States['OnlyRun?'].Choices[0]).toEqual({
      Variable: '$.running.count',
      NumericGreaterThan: 1,
      Next: 'AnotherRunInProgress',
    });
    const map = definition.States.CollectEachTenant;
    expect(map.MaxConcurrency).toBe(7);
    // One STANDARD child execution per line of the run's tenant list in S3; results written back to S3.
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemReader).toEqual({
      Resource: 'arn:TOKEN:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSONL' },
      Parameters: { Bucket: 'TOKEN', 'Key.$': '$.run.tenantsKey' },
    });
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:TOKEN:states:::s3:putObject',
      Parameters: { Bucket: 'TOKEN', 'Prefix.$': '$.run.resultsPrefix' },
    });
    expect(map.ToleratedFailurePercentage).toBe(100);
    expect(map.ItemSelector).toEqual({ 'tenant.$': '$$.Map.Item.Value', 'runId.$': '$.run.runId', 'startedAt.$': '$.run.startedAt' });
    // Nothing fleet-sized in the state: the Map's output is the result writer's manifest key, the summarize step gets only that.
    expect(map.ResultPath).toBe('$.results');
    expect(definition.States.WriteManifestTask.Parameters).toEqual({
      'runId.$': '$.run.runId',
      'startedAt.$': '$.run.startedAt',
      'resultWriterDetails.$': '$.results.ResultWriterDetails',
    });
    const task = map.ItemProcessor.States.CollectTenantTask;
    expect(task.Retry).toEqual(
      expect.arrayContaining([
        { ErrorEquals: ['TenantThrottledError'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 4, JitterStrategy: 'FULL' },
      ]),
    );
    // Throttled invocations (the function's reserved concurrency) are retried with the Lambda service errors.
    expect(task.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']) }),
      ]),
    );
    expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.taskError', Next: 'TenantTaskFailed' }]);
    // A failed task's entry keeps the error name only: the Cause (stack traces, AWS messages of any length) never reaches the Map output.
    expect(map.ItemProcessor.States.TenantTaskFailed.Parameters.error).toEqual({
      'code.$': '$.taskError.Error',
      'message.$': "States.Format('The tenant task failed after its retries with {}.', $.taskError.Error)",
      hint: 'See the CollectTenant logs of this run for the cause; the next run collects the tenant again.',
    });
    expect(JSON.stringify(definition)).not.toContain('taskError.Cause');
    expect(map.Next).toBe('WriteManifestTask');
    // The Map failing itself still ends in a manifest (every tenant missing) and the lock released.
    expect(map.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'WriteManifestAfterMapFailure' }]);
    expect(definition.States.WriteManifestAfterMapFailure.Parameters).toEqual({
      'runId.$': '$.run.runId',
      'startedAt.$': '$.run.startedAt',
      'mapError.$': '$.mapError.Error',
    });
    expect(definition.States.WriteManifestAfterMapFailure.End).toBe(true);
  });

  it("loops a tenant's child workflow while the collect task answers { resume }: wait, invoke again, end with the record", () => {
    const child = stateMachineDefinition(collector).States.CollectEachTenant.ItemProcessor;
    expect(child.StartAt).toBe('CollectTenantTask');
    // The task gets the child's input only (never the last answer) and keeps its answer beside it.
    expect(child.States.CollectTenantTask).toMatchObject({
      Parameters: { 'tenant.$': '$.tenant', 'runId.$': '$.runId', 'startedAt.$': '$.startedAt' },
      ResultPath: '$.collected',
      Next: 'TenantPaused?',
    });
    expect(child.States['TenantPaused?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.collected.resume', IsPresent: true, Next: 'WaitBeforeResuming' }],
      Default: 'TenantCollected',
    });
    expect(child.States.WaitBeforeResuming).toEqual({
      Type: 'Wait',
      SecondsPath: '$.collected.resume.waitSeconds',
      Next: 'CollectTenantTask',
    });
    // The child's output, which the result writer files, is the tenant's record alone.
    expect(child.States.TenantCollected).toEqual({ Type: 'Pass', OutputPath: '$.collected', End: true });
  });

  it('splits the permissions: list reads the table, collect assumes and writes, manifest only writes', () => {
    // The plan step takes the run lock, the summarize step releases it; the tenant tasks never touch it.
    expect(statementsOf(collector, 'ListTenantsRole').map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      READ_TABLE,
      RUN_LOCK_ACTIONS,
    ]);
    expect(statementsOf(collector, 'CollectTenantRole')).toEqual([
      expect.objectContaining(logWrite('CollectTenantLogs')),
      // The tenant task reads its one item by key (GetItem); Scan stays for tables whose key schema could not be read.
      expect.objectContaining({ Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Scan'], Resource: TABLE_ARN }),
      expect.objectContaining({ Action: 'sts:AssumeRole', Resource: READER_ROLES }),
      expect.objectContaining({ Action: 's3:PutObject' }),
      ...READ_SNAPSHOTS,
      // A finished tenant's checkpoint is deleted; nothing else of the bucket.
      {
        Sid: 'RemoveCheckpoints',
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: runFiles('checkpoints/*'),
      },
    ]);
    expect(statementsOf(collector, 'WriteManifestRole').map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      's3:PutObject',
      's3:GetObject',
      's3:DeleteObject',
      's3:ListBucket',
      RUN_LOCK_ACTIONS,
    ]);
    // The summarize step reads the run's files (tenant list, plan, result files), not the checkpoints beside them, and nothing else of the bucket.
    expect(statementsOf(collector, 'WriteManifestRole')[2].Resource).toEqual([
      runFiles('tenants.jsonl'),
      runFiles('plan.json'),
      runFiles('results/*'),
    ]);
    // It sweeps the run's left-behind checkpoints: delete there only, list under the run files only.
    expect(statementsOf(collector, 'WriteManifestRole')[3]).toMatchObject({
      Sid: 'RemoveCheckpoints',
      Resource: runFiles('checkpoints/*'),
    });
    expect(statementsOf(collector, 'WriteManifestRole')[4]).toMatchObject({
      Sid: 'ListCheckpoints',
      Condition: { StringLike: { 's3:prefix': ['org-accounts/_runs/*'] } },
    });
    expect(statementsOf(collector, 'ListTenantsRole')[2].Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Reports/), 'Arn'] }, '/org-accounts/_lock/run.json']],
    });
    expect(statementsOf(collector, 'CollectorRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'states:ListExecutions',
          Resource: partitionArn(
            ':states:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':stateMachine:OrgmetaCollector-collector',
          ),
        }),
      ]),
    );
  });

  it("narrows the item reader's and result writer's S3 access to the tenant lists and the result files (aws-cdk-lib grants bucket/*)", () => {
    const s3Statements = statementsOf(collector, 'CollectorRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([
      expect.objectContaining({
        Action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        Resource: runFiles('results/*'),
      }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: runFiles('tenants.jsonl') }),
    ]);
  });

  it("reserves the collect function's concurrency to match the Map's", () => {
    collector.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'orgmeta fan-out: collects one tenant',
      ReservedConcurrentExecutions: 7,
    });
  });

  it('expires the run files after 30 days (longer than an execution stays redrivable)', () => {
    collector.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'ExpireRunFiles', Prefix: 'org-accounts/_runs/', ExpirationInDays: 30, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('starts executions from the schedule with a retry policy and a dead-letter queue, and alarms on failed executions', () => {
    collector.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Collector') }, RetryPolicy: SCHEDULE_RETRY_POLICY }),
    });
    collector.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 1 });
    collector.resourceCountIs('AWS::Lambda::Function', 3);
  });
});

describe('TenantReaderRoleStack', () => {
  const { reader } = synthApp();

  it('trusts only the collector role, with the ExternalId, and only reads Organizations as the collector does', () => {
    reader.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { Ref: 'RoleName' },
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { Ref: 'CollectorRoleArn' } },
            Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'ReadOrganization',
          PolicyDocument: {
            Statement: [
              {
                Sid: 'ReadOrganization',
                Effect: 'Allow',
                Action: ['organizations:DescribeOrganization', 'organizations:ListAccounts', 'organizations:ListTagsForResource'],
                Resource: '*',
              },
              // --ou-path: names from Paths (ListRoots, DescribeOrganizationalUnit), or the tree walk.
              {
                Sid: 'OuPaths',
                Effect: 'Allow',
                Action: [
                  'organizations:ListRoots',
                  'organizations:DescribeOrganizationalUnit',
                  'organizations:ListOrganizationalUnitsForParent',
                  'organizations:ListAccountsForParent',
                ],
                Resource: '*',
              },
              {
                Sid: 'DelegatedAdmins',
                Effect: 'Allow',
                Action: ['organizations:ListDelegatedAdministrators', 'organizations:ListDelegatedServicesForAccount'],
                Resource: '*',
              },
              { Sid: 'AlternateContacts', Effect: 'Allow', Action: 'account:GetAlternateContact', Resource: '*' },
              { Sid: 'EnabledRegions', Effect: 'Allow', Action: 'account:ListRegions', Resource: '*' },
            ],
          },
        },
      ],
    });
    // Read-only: no action that changes anything.
    expect(READER_ACTIONS.filter((action) => !/^(organizations|account):(Describe|List|Get)/.test(action))).toEqual([]);
    reader.hasParameter('ExternalId', { NoEcho: true, Type: 'String' });
  });

  it('is a plain template for StackSets: no bootstrap version rule, no assets', () => {
    expect(reader.toJSON().Rules).toBeUndefined();
    expect(reader.toJSON().Parameters.BootstrapVersion).toBeUndefined();
  });
});
