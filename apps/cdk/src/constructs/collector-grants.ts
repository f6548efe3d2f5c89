import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { runLockKey } from '@orgmeta/core';
import { acknowledgeWildcardResources } from '../nag';
import type { TenantTableRef } from '../settings';

export interface CollectorGrantsProps {
  readonly tenantsTable: TenantTableRef;
  /** Every role name the collector may assume in tenant accounts. */
  readonly readerRoleNames: readonly string[];
  readonly bucket: s3.IBucket;
  /** As the Lambda uses it (normalised). */
  readonly prefix: string;
  readonly reportKmsKeyArn?: string;
  /** The bus change events go to (`CHANGE_EVENTS_BUS`), as a name or an ARN. */
  readonly changeEventsBus?: string;
}

/** The collector's permissions, each scoped to exactly what the pipeline touches. */
export class CollectorGrants {
  constructor(
    private readonly scope: Construct,
    private readonly props: CollectorGrantsProps,
  ) {}

  /**
   * Scan, and DescribeTable: the tenant source reads the key schema to name skipped items by their key.
   * `byKey`: also GetItem, for the fan-out's tenant task that reads its one item by the key the plan step found.
   */
  readTenants(role: iam.Role, options: { readonly byKey?: boolean } = {}): void {
    const table = this.props.tenantsTable;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTenantTable',
        actions: ['dynamodb:DescribeTable', ...(options.byKey ? ['dynamodb:GetItem'] : []), 'dynamodb:Scan'],
        resources: [table.arn ?? Stack.of(this.scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: table.nameOrArn })],
      }),
    );
  }

  assumeReaderRoles(role: iam.Role): void {
    const roleArns = this.props.readerRoleNames.map((name) => `arn:${Aws.PARTITION}:iam::*:role/${name}`);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'AssumeTenantReaderRoles', actions: ['sts:AssumeRole'], resources: roleArns }),
    );
    acknowledgeWildcardResources(
      role,
      roleArns,
      'Tenants are other AWS accounts listed in the tenant table: the account is a wildcard, the role name is fixed.',
    );
  }

  writeReports(role: iam.Role): void {
    const reportObjects = this.props.bucket.arnForObjects(`${this.props.prefix}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteReports', actions: ['s3:PutObject'], resources: [reportObjects] }));
    if (this.props.reportKmsKeyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptReports',
          actions: ['kms:GenerateDataKey'],
          resources: [this.props.reportKmsKeyArn],
          // Only for S3 encrypting our uploads, never a direct call with the collector's credentials.
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
    acknowledgeWildcardResources(
      role,
      [reportObjects],
      'Report keys are per date and tenant under the report prefix; only s3:PutObject under that prefix is allowed.',
    );
  }

  /**
   * The run lock (docs/failure-behaviour.md): one object, taken with a conditional PutObject, read to
   * name its holder, removed with a conditional DeleteObject when the run ends or its lock expired.
   */
  holdRunLock(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunLock',
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [this.props.bucket.arnForObjects(runLockKey(this.props.prefix))],
      }),
    );
    if (this.props.reportKmsKeyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'RunLockEncryption',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.props.reportKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
  }

  /**
   * Reads the previous snapshot: the tenant's pointer, then its Parquet or CSV. ListBucket on the
   * prefix only, because without it S3 answers a missing pointer (a first run) with 403, not 404.
   * The same GetObject lets the S3 sink ask HeadObject after a failed or aborted upload whether the
   * object is there anyway, so the manifest never claims it is absent wrongly.
   */
  readSnapshots(role: iam.Role): void {
    const reportObjects = this.props.bucket.arnForObjects(`${this.props.prefix}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadSnapshots', actions: ['s3:GetObject'], resources: [reportObjects] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingSnapshots',
        actions: ['s3:ListBucket'],
        resources: [this.props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${this.props.prefix}*`] } },
      }),
    );
    if (this.props.reportKmsKeyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptSnapshots',
          actions: ['kms:Decrypt'],
          resources: [this.props.reportKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
  }

  /**
   * The fan-out's summarize step reads the run's files (tenant list, plan, the Map's result files)
   * under `<prefix>_runs/` only.
   */
  readRunFiles(role: iam.Role): void {
    // Not the checkpoints beside them: those hold the organizations' answers (emails, tags).
    const runFiles = ['tenants.jsonl', 'plan.json', 'results/*'].map((file) =>
      this.props.bucket.arnForObjects(`${this.props.prefix}_runs/*/${file}`),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadRunFiles', actions: ['s3:GetObject'], resources: runFiles }));
    if (this.props.reportKmsKeyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptRunFiles',
          actions: ['kms:Decrypt'],
          resources: [this.props.reportKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
    acknowledgeWildcardResources(
      role,
      runFiles,
      "The run's files are per run ID under <prefix>_runs/; only s3:GetObject on the list, the plan and the results.",
    );
  }

  /**
   * Resumable tenants: the collect task deletes a finished tenant's checkpoint (writing and reading it
   * are WriteReports and ReadSnapshots), under `<prefix>_runs/<run id>/checkpoints/` only; with
   * `sweep`, the role may also list the run files, to delete the checkpoints a run left behind.
   */
  removeCheckpoints(role: iam.Role, options: { readonly sweep?: boolean } = {}): void {
    const checkpoints = this.props.bucket.arnForObjects(`${this.props.prefix}_runs/*/checkpoints/*`);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'RemoveCheckpoints', actions: ['s3:DeleteObject'], resources: [checkpoints] }),
    );
    if (options.sweep) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ListCheckpoints',
          actions: ['s3:ListBucket'],
          resources: [this.props.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${this.props.prefix}_runs/*`] } },
        }),
      );
    }
    acknowledgeWildcardResources(
      role,
      [checkpoints],
      'Checkpoints are per run and tenant under <prefix>_runs/; only s3:DeleteObject there.',
    );
  }

  /** PutEvents on the one change-events bus, when there is one. */
  publishChangeEvents(role: iam.Role): void {
    const bus = this.props.changeEventsBus;
    if (!bus) return;
    const busArn = bus.startsWith('arn:')
      ? bus
      : Stack.of(this.scope).formatArn({ service: 'events', resource: 'event-bus', resourceName: bus });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PublishChangeEvents', actions: ['events:PutEvents'], resources: [busArn] }));
  }
}
