import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ReportBucketProps {
  /** Use this bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** Days before reports move to S3 Standard-IA (created bucket only). */
  readonly infrequentAccessAfterDays: number;
  /** The fan-out's run files (`<prefix>_runs/`): working copies, expired after RUN_FILES_EXPIRY_DAYS (created bucket only). */
  readonly runFilesPrefix: string;
}

/** Longer than Step Functions keeps an execution redrivable (14 days): a redrive still finds its tenant list. */
export const RUN_FILES_EXPIRY_DAYS = 30;

/**
 * Where reports and manifests go: an existing bucket, or a private, TLS-only, versioned one
 * that outlives the stack. The bucket is this construct's `Default` child, so its logical ID is
 * the one the stack gave it before this construct existed (a new ID would orphan the reports).
 */
export class ReportBucket extends Construct {
  readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: ReportBucketProps) {
    super(scope, id);
    this.bucket = props.existingBucketName
      ? s3.Bucket.fromBucketName(this, 'Default', props.existingBucketName)
      : this.createBucket(props.infrequentAccessAfterDays, props.runFilesPrefix);
  }

  private createBucket(infrequentAccessAfterDays: number, runFilesPrefix: string): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Default', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(infrequentAccessAfterDays) }] },
        { noncurrentVersionExpiration: Duration.days(90) },
        {
          id: 'ExpireRunFiles',
          prefix: runFilesPrefix,
          expiration: Duration.days(RUN_FILES_EXPIRY_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Reports are written only by the collector role; S3 server access logs would need a second bucket. Use CloudTrail data events where access auditing is required.',
    });
    return bucket;
  }
}
