import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ReportObject, ReportSink, StoredReport, WriteProbe } from '@orgmeta/core';

export interface S3ReportSinkSettings {
  readonly bucketName: string;
  readonly expectedBucketOwner?: string;
  readonly kmsKeyId?: string;
}

/** Writes each report as one object; S3 verifies the SHA-256 we send, so a corrupted upload is refused. */
export class S3ReportSink implements ReportSink, WriteProbe {
  constructor(
    private readonly client: S3Client,
    private readonly settings: S3ReportSinkSettings,
  ) {}

  async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucketName,
        Key: report.key,
        Body: report.body,
        ContentType: report.contentType,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(report.sha256Hex, 'hex').toString('base64'),
        Metadata: { ...report.metadata },
        ExpectedBucketOwner: this.settings.expectedBucketOwner,
        ...(this.settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.settings.kmsKeyId } : {}),
      }),
      // An aborted single PUT never creates the object.
      { abortSignal: signal },
    );
    return { location: report.key };
  }

  /** Writes a tiny object and deletes it again; a failed delete is reported, not thrown. */
  async probeWrite(key: string): Promise<{ removed: boolean; removeError?: string }> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucketName,
        Key: key,
        Body: 'orgmeta check: write access probe\n',
        ContentType: 'text/plain',
        ExpectedBucketOwner: this.settings.expectedBucketOwner,
        ...(this.settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.settings.kmsKeyId } : {}),
      }),
    );
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucketName, Key: key, ExpectedBucketOwner: this.settings.expectedBucketOwner }));
      return { removed: true };
    } catch (error) {
      return { removed: false, removeError: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
}
