import { ConfigError, errorCode, type CallerIdentity, type CollectConfig } from '@orgmeta/core';

/**
 * The configuration with the bucket owner S3 must check: an explicit --expected-bucket-owner,
 * none with --any-bucket-owner, else the collector's own account (from sts:GetCallerIdentity),
 * so a bucket name taken over by another account never receives the reports.
 * Throws a ConfigError (exit 1, nothing written) when the collector's account cannot be known.
 */
export async function withBucketOwner(config: CollectConfig, identity: CallerIdentity): Promise<CollectConfig> {
  if (!config.upload || !config.bucketName || config.expectedBucketOwner || config.anyBucketOwner) return config;
  try {
    return { ...config, expectedBucketOwner: await identity.accountId() };
  } catch (error) {
    throw new ConfigError(
      `Could not find the collector's own account (sts:GetCallerIdentity failed: ${errorCode(error)}), which is the bucket owner expected by default. ` +
        "Check the collector's AWS credentials, or set --expected-bucket-owner / REPORT_BUCKET_OWNER to the bucket owner's account ID, " +
        'or pass --any-bucket-owner / REPORT_ANY_BUCKET_OWNER=true.',
    );
  }
}

/** --expected-bucket-owner and --any-bucket-owner say opposite things: refuse rather than pick one. */
export function bucketOwnerProblem(config: CollectConfig): string | undefined {
  if (!config.expectedBucketOwner || !config.anyBucketOwner) return undefined;
  return 'Conflicting settings: --expected-bucket-owner / REPORT_BUCKET_OWNER names the bucket owner, while --any-bucket-owner / REPORT_ANY_BUCKET_OWNER accepts any owner; set only one.';
}
