import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectReader } from '@orgmeta/core';

export interface S3ObjectReaderSettings {
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
export class S3ObjectReader implements ObjectReader {
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
}
