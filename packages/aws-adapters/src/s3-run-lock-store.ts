import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RunLockStore, StoredLock } from '@orgmeta/core';

/** The bucket, owner check and encryption {@link S3RunLockStore} keeps run locks with. */
export interface S3RunLockStoreSettings {
  /** The bucket. */
  readonly bucketName: string;
  /** Sent as ExpectedBucketOwner on every call. */
  readonly expectedBucketOwner?: string;
  /** SSE-KMS key; else the bucket default encryption. */
  readonly kmsKeyId?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * Run locks as S3 objects: created with `If-None-Match: *` (412 when one exists) and removed with
 * `If-Match: <ETag>` (412 when it is no longer the lock we read), so a take-over never removes a
 * lock another run has just taken. Needs s3:PutObject, s3:GetObject and s3:DeleteObject on the key.
 */
export class S3RunLockStore implements RunLockStore {
  constructor(
    private readonly client: S3Client,
    private readonly settings: S3RunLockStoreSettings,
  ) {}

  describe(key: string): string {
    return `s3://${this.settings.bucketName}/${key}`;
  }

  async createExclusive(key: string, body: string): Promise<{ token: string } | undefined> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucketName,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ExpectedBucketOwner: this.settings.expectedBucketOwner,
          ...(this.settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.settings.kmsKeyId } : {}),
        }),
      );
      return { token: out.ETag ?? '' };
    } catch (error) {
      // 412: the lock exists. 409 ConditionalRequestConflict: another conditional write on it is in flight.
      if (statusOf(error) === 412 || statusOf(error) === 409) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<StoredLock | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucketName, Key: key, ExpectedBucketOwner: this.settings.expectedBucketOwner }),
      );
      return { body: (await out.Body?.transformToString('utf-8')) ?? '', token: out.ETag ?? '' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async removeIf(key: string, token: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteObjectCommand({
          Bucket: this.settings.bucketName,
          Key: key,
          IfMatch: token,
          ExpectedBucketOwner: this.settings.expectedBucketOwner,
        }),
      );
      return true;
    } catch (error) {
      // 412: replaced by another run's lock; 404: already gone. Either way it is not ours to remove.
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      throw error;
    }
  }
}
