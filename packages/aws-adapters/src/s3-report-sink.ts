import { DeleteObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { ReportObject, ReportSink, StoredReport, WriteProbe } from '@orgmeta/core';

export interface S3ReportSinkSettings {
  readonly bucketName: string;
  readonly expectedBucketOwner?: string;
  readonly kmsKeyId?: string;
}

/** Writes each report as one object; S3 verifies the SHA-256 we send, so a corrupted upload is refused. */
export class S3ReportSink implements ReportSink, WriteProbe {
  readonly kind = 's3';
  readonly name: string;

  constructor(
    private readonly client: S3Client,
    private readonly settings: S3ReportSinkSettings,
  ) {
    this.name = `s3://${settings.bucketName}`;
  }

  async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
    await this.put(
      report.key,
      report.body,
      report.contentType,
      {
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(report.sha256Hex, 'hex').toString('base64'),
        Metadata: { ...report.metadata },
      },
      signal,
    );
    return { location: report.key };
  }

  /** Writes a tiny object and deletes it again; a failed delete is reported, not thrown. */
  async probeWrite(key: string): Promise<{ removed: boolean; removeError?: string }> {
    await this.put(key, 'orgmeta check: write access probe\n', 'text/plain');
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.settings.bucketName, Key: key, ExpectedBucketOwner: this.settings.expectedBucketOwner }),
      );
      return { removed: true };
    } catch (error) {
      return { removed: false, removeError: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  /** Every PUT carries the bucket owner check and the encryption settings. */
  private async put(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    extra: Partial<PutObjectCommandInput> = {},
    signal?: AbortSignal,
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        ...extra,
        Bucket: this.settings.bucketName,
        Key: key,
        Body: body,
        ContentType: contentType,
        ExpectedBucketOwner: this.settings.expectedBucketOwner,
        ...(this.settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.settings.kmsKeyId } : {}),
      }),
      // An aborted single PUT never creates the object.
      { abortSignal: signal },
    );
  }
}
