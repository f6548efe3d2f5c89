import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ReportObject, ReportSink, StoredReport } from '@orgmeta/core';

export interface S3ReportSinkSettings {
  readonly bucketName: string;
  readonly expectedBucketOwner?: string;
  readonly kmsKeyId?: string;
}

/** Writes each report as one object; S3 verifies the SHA-256 we send, so a corrupted upload is refused. */
export class S3ReportSink implements ReportSink {
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
}
