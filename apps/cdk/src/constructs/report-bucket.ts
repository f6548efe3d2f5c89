import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ReportBucketProps {
  /** Use this bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** Days before reports move to S3 Standard-IA (created bucket only). */
  readonly infrequentAccessAfterDays: number;
}

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
      : this.createBucket(props.infrequentAccessAfterDays);
  }

  private createBucket(infrequentAccessAfterDays: number): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Default', {
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
}
