import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { collectorEnvironment } from './collector-environment';
import { CollectorAlarms } from './constructs/collector-alarms';
import { CollectorGrants } from './constructs/collector-grants';
import { CollectorSchedule } from './constructs/collector-schedule';
import { FanoutCollector } from './constructs/fanout-collector';
import { runFilesPrefix } from './handlers/run-files';
import { ReportBucket } from './constructs/report-bucket';
import type { ScheduledCollector } from './constructs/scheduled-collector';
import { SingleModeCollector } from './constructs/single-mode-collector';
import { DEFAULT_SQL_DATABASE, SqlTables, validSqlDatabaseName } from './constructs/sql-tables';
import {
  checkedSettingValue,
  normalisedReportPrefix,
  tenantTableRef,
  validBucketName,
  validBucketOwner,
  validKmsKeyArn,
  validRoleName,
} from './settings';

export type CollectorMode = 'single' | 'fanout';

export interface CollectorStackProps extends StackProps {
  /** `single`: one Lambda runs the whole job (fits in 15 minutes). `fanout`: Step Functions runs one task per tenant. */
  readonly mode: CollectorMode;
  /** Existing DynamoDB table of tenants: a name in the stack's account and region, or a table ARN. */
  readonly tenantsTableName: string;
  /** Role assumed in each tenant's management account. */
  readonly readerRoleName: string;
  /** Other role names tenants may carry in their `role_name` attribute (the collector may assume only these). */
  readonly extraReaderRoleNames?: string[];
  /** Use this bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** Account that owns the report bucket, sent as ExpectedBucketOwner. @default the stack's account */
  readonly existingBucketOwner?: string;
  /** Normalised as the Lambda does (no leading `/`, ends with `/`). @default the settings table's default, 'org-accounts/' */
  readonly reportPrefix?: string;
  /** KMS key ARN for SSE-KMS uploads (the collector gets kms:GenerateDataKey on it). */
  readonly reportKmsKeyArn?: string;
  /** Days before reports move to S3 Standard-IA (created bucket only). @default 30 */
  readonly infrequentAccessAfterDays?: number;
  /** EventBridge Scheduler cron fields. @default daily 02:00 */
  readonly scheduleCron?: scheduler.CronOptionsWithTimezone;
  /** Tenants collected at once in fanout mode (1 to 10,000): the Distributed Map's MaxConcurrency. @default 50 */
  readonly maxConcurrency?: number;
  /** SNS topic that the alarms notify. */
  readonly alarmTopicArn?: string;
  /**
   * Extra environment for the handlers: core's settings the stack does not wire itself
   * (TAG_KEYS, INCLUDE_OU_PATH, TENANT_STATUS, ORG_RPS…), checked at synth.
   */
  readonly collectorEnvironment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The collector refuses to assume a tenant role without an ExternalId (the tenant's
   * external_id attribute: the Lambda has no run-wide one). @default true
   */
  readonly requireExternalId?: boolean;
  /** EventBridge bus (name or ARN) that receives one event per change; the collector gets events:PutEvents on it. */
  readonly changeEventsBus?: string;
  /** The Glue database of the `accounts` and `changes` tables (docs/sql.md). @default 'orgmeta' */
  readonly sqlDatabaseName?: string;
}

/**
 * The scheduled collector: the same pipeline as the CLI, in one Lambda (`single`) or as a
 * Step Functions fan-out with one task per tenant (`fanout`), writing to S3, with alarms
 * and least-privilege roles.
 */
export class CollectorStack extends Stack {
  readonly bucket: s3.IBucket;
  /** The role tenants' reader roles must trust (deploy TenantReaderRoleStack with it). */
  readonly collectorRole: iam.IRole;

  constructor(scope: Construct, id: string, props: CollectorStackProps) {
    super(scope, id, props);
    // Decided once, as the Lambda would read them, for the function and its policy alike.
    const prefix = normalisedReportPrefix(props.reportPrefix);
    const tenantsTable = tenantTableRef(props.tenantsTableName);
    const readerRoleName = validRoleName(props.readerRoleName, 'readerRoleName');
    const extraReaderRoleNames = (props.extraReaderRoleNames ?? []).map((name) => validRoleName(name, 'extraReaderRoleNames'));
    const existingBucketName = props.existingBucketName === undefined ? undefined : validBucketName(props.existingBucketName);
    const bucketOwner = props.existingBucketOwner === undefined ? Aws.ACCOUNT_ID : validBucketOwner(props.existingBucketOwner);
    const reportKmsKeyArn = props.reportKmsKeyArn === undefined ? undefined : validKmsKeyArn(props.reportKmsKeyArn);
    const changeEventsBus =
      props.changeEventsBus === undefined
        ? undefined
        : (checkedSettingValue('changeEventsBus', props.changeEventsBus, 'context "changeEventsBus"') as string);
    const sqlDatabaseName = validSqlDatabaseName(props.sqlDatabaseName ?? DEFAULT_SQL_DATABASE);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.bucket = new ReportBucket(this, 'Reports', {
      existingBucketName,
      infrequentAccessAfterDays: props.infrequentAccessAfterDays ?? 30,
      runFilesPrefix: runFilesPrefix(prefix),
    }).bucket;

    const environment = collectorEnvironment(
      {
        tableName: tenantsTable.nameOrArn,
        roleName: readerRoleName,
        bucketName: this.bucket.bucketName,
        prefix,
        expectedBucketOwner: bucketOwner,
        kmsKeyId: reportKmsKeyArn,
        collectorName: this.stackName,
        requireExternalId: props.requireExternalId ?? true,
        changeEventsBus,
      },
      props.collectorEnvironment,
    );
    const grants = new CollectorGrants(this, {
      tenantsTable,
      readerRoleNames: [readerRoleName, ...extraReaderRoleNames],
      bucket: this.bucket,
      prefix,
      reportKmsKeyArn,
      changeEventsBus,
    });

    // `Default`: the mode's resources keep the logical IDs they had when the stack built them
    // itself. The collector role is trusted by every tenant's reader role and the state machine
    // has a fixed name, so neither may be replaced by a refactoring.
    const modeProps = { environment, grants, logRetention };
    const collector: ScheduledCollector =
      props.mode === 'single'
        ? new SingleModeCollector(this, 'Default', modeProps)
        : new FanoutCollector(this, 'Default', {
            ...modeProps,
            maxConcurrency: props.maxConcurrency,
            prefix,
            bucket: this.bucket,
            reportKmsKeyArn,
          });
    this.collectorRole = collector.collectorRole;

    const schedule = new CollectorSchedule(this, 'Schedule', { collector, cron: props.scheduleCron ?? { minute: '0', hour: '2' } });
    new CollectorAlarms(this, 'Alarms', {
      collectorName: this.stackName,
      failedRuns: collector.failedRuns,
      stoppedRuns: collector.stoppedRuns,
      scheduleDeadLetterQueue: schedule.deadLetterQueue,
      alarmTopicArn: props.alarmTopicArn,
    });

    // The same tables in both modes: they read what every run writes, whoever runs it.
    new SqlTables(this, 'Sql', { bucket: this.bucket, prefix, databaseName: sqlDatabaseName });

    new CfnOutput(this, 'CollectorRoleArn', {
      value: this.collectorRole.roleArn,
      description: 'Trust this role in each tenant reader role (TenantReaderRoleStack CollectorRoleArn)',
    });
    new CfnOutput(this, 'ReportBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'SqlDatabaseName', {
      value: sqlDatabaseName,
      description: 'Glue database of the accounts and changes tables, for Athena (docs/sql.md)',
    });
  }
}
