import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectLister, ObjectReader } from '@orgmeta/core';

/** The bucket {@link S3ObjectReader} reads earlier reports from. */
export interface S3ObjectReaderSettings {
  /** The bucket. */
  readonly bucketName: string;
  /** Sent as ExpectedBucketOwner on every read, as on every write. */
  readonly expectedBucketOwner?: string;
}

function isMissingObject(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // NoSuchBucket is a configuration problem, not "no baseline yet": it still throws.
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 && error.name !== 'NoSuchBucket';
}

/**
 * Reads objects of the report bucket (the snapshot pointer, a previous snapshot). A missing
 * object is `undefined`. S3 answers 403 instead of 404 for a missing key when the caller may
 * not list the bucket, so the role needs s3:ListBucket on the prefix for "no baseline yet".
 */
export class S3ObjectReader implements ObjectReader, ObjectLister {
  constructor(
    private readonly client: S3Client,
    private readonly settings: S3ObjectReaderSettings,
  ) {}

  async readObject(key: string): Promise<Uint8Array | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucketName, Key: key, ExpectedBucketOwner: this.settings.expectedBucketOwner }),
      );
      if (!answer.Body) return new Uint8Array();
      return await answer.Body.transformToByteArray();
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  /** Every key under a prefix, all pages; callers keep the prefix narrow (`_latest/`, one `dt=` day). */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.settings.bucketName,
          Prefix: prefix,
          ContinuationToken: token,
          ExpectedBucketOwner: this.settings.expectedBucketOwner,
        }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
