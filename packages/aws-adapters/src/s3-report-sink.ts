import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { ReportWriteError, errorCode, type ReportObject, type ReportSink, type StoredReport, type WriteProbe } from '@orgmeta/core';

/** What is at a report's key after its PUT failed: this very write, another object, or nothing we could see. */
type LeftBehind = { readonly kind: 'this-write'; readonly versionId?: string } | { readonly kind: 'written' | 'absent' | 'unknown' };

/** The bucket, owner check and encryption {@link S3ReportSink} writes with. */
export interface S3ReportSinkSettings {
  /** The bucket. */
  readonly bucketName: string;
  /** Sent as ExpectedBucketOwner on every call. */
  readonly expectedBucketOwner?: string;
  /** SSE-KMS key; else the bucket default encryption. */
  readonly kmsKeyId?: string;
}

/** Writes each report as one object; S3 verifies the SHA-256 we send, so a corrupted upload is refused. */
export class S3ReportSink implements ReportSink, WriteProbe {
  /** Reported as `s3Key` in summaries. */
  readonly kind = 's3';
  /** `s3://<bucket>`. */
  readonly name: string;

  constructor(
    private readonly client: S3Client,
    private readonly settings: S3ReportSinkSettings,
  ) {
    this.name = `s3://${settings.bucketName}`;
  }

  /**
   * One PUT; `versionId` when the bucket keeps versions. A failed or aborted PUT may still have
   * created the object (the answer was lost after S3 stored it): HeadObject then says what is at the
   * key. This run's object with our checksum counts as written; anything else fails with a
   * ReportWriteError saying whether an object of this run is there (`written`).
   */
  async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
    const checksum = Buffer.from(report.sha256Hex, 'hex').toString('base64');
    try {
      const out = await this.put(
        report.key,
        report.body,
        report.contentType,
        { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: checksum, Metadata: { ...report.metadata } },
        signal,
      );
      return { location: report.key, ...(out.VersionId ? { versionId: out.VersionId } : {}) };
    } catch (error) {
      const left = await this.leftBehind(report, checksum);
      if (left.kind === 'this-write') return { location: report.key, ...(left.versionId ? { versionId: left.versionId } : {}) };
      throw new ReportWriteError(
        {
          code: errorCode(error),
          message: error instanceof Error ? error.message : String(error),
          sinkKind: this.kind,
          location: report.key,
          written: left.kind === 'unknown' ? 'unknown' : left.kind === 'written',
        },
        { cause: error },
      );
    }
  }

  /** What the SQL tables' symlink manifests list: the object's full S3 URI, as Athena reads it. */
  objectUri(key: string): string {
    return `s3://${this.settings.bucketName}/${key}`;
  }

  private async leftBehind(report: ReportObject, checksum: string): Promise<LeftBehind> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({
          Bucket: this.settings.bucketName,
          Key: report.key,
          ChecksumMode: 'ENABLED',
          ExpectedBucketOwner: this.settings.expectedBucketOwner,
        }),
      );
      if (head.Metadata?.['run-id'] !== report.metadata['run-id']) return { kind: 'absent' };
      if (head.ChecksumSHA256 === checksum) return { kind: 'this-write', ...(head.VersionId ? { versionId: head.VersionId } : {}) };
      return { kind: 'written' };
    } catch (error) {
      return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
        ? { kind: 'absent' }
        : { kind: 'unknown' };
    }
  }

  /** Deletes an object this sink wrote (S3 answers success for a key that is already gone). */
  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucketName, Key: key, ExpectedBucketOwner: this.settings.expectedBucketOwner }),
    );
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
  ): Promise<{ readonly VersionId?: string }> {
    return this.client.send(
      new PutObjectCommand({
        ...extra,
        Bucket: this.settings.bucketName,
        Key: key,
        Body: body,
        ContentType: contentType,
        ExpectedBucketOwner: this.settings.expectedBucketOwner,
        ...(this.settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.settings.kmsKeyId } : {}),
      }),
      // An aborted PUT may still have reached S3: write() checks what is at the key afterwards.
      { abortSignal: signal },
    );
  }
}
