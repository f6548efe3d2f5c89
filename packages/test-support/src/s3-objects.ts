import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { clientOptions } from './seed';

/** Reads what a run wrote to a bucket in the emulator. */
export class S3Objects {
  private readonly client: S3Client;

  constructor(endpoint: string) {
    this.client = new S3Client(clientOptions(endpoint));
  }

  async keys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  /** The object's text: its current version, or the version named. */
  async text(bucket: string, key: string, versionId?: string): Promise<string> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return (await Body?.transformToString('utf-8')) ?? '';
  }

  /** Writes an object as another writer would (e.g. Step Functions' result writer). */
  async put(bucket: string, key: string, body: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body, 'utf8') }));
  }

  /** Turns versioning on: every PUT then keeps the object it replaces and answers with a VersionId. */
  async enableVersioning(bucket: string): Promise<void> {
    await this.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }

  async bytes(bucket: string, key: string): Promise<Uint8Array> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await Body?.transformToByteArray()) ?? new Uint8Array();
  }

  head(bucket: string, key: string) {
    return this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  }
}

/** The endpoint of the moto server the jest globalSetup started. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: the jest globalSetup starts moto');
  return endpoint;
}
