import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientOptions, createBucket, motoEndpoint } from '@orgmeta/test-support';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectReader } from '../src';

describe('S3ObjectReader against moto', () => {
  const endpoint = motoEndpoint();
  const s3 = new S3Client(clientOptions(endpoint));
  const bucketName = 'orgmeta-object-reader';

  beforeAll(async () => {
    await createBucket(endpoint, bucketName);
  });

  it('gives the bytes of an object, unchanged', async () => {
    // Prepare: bytes that are not valid UTF-8, as a Parquet file has.
    const body = new Uint8Array([0x50, 0x41, 0x52, 0x31, 0x00, 0xff, 0xfe, 0x80, 0x50, 0x41, 0x52, 0x31]);
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: 'org-accounts/x/accounts.parquet', Body: body }));
    // Act
    const read = await new S3ObjectReader(s3, { bucketName }).readObject('org-accounts/x/accounts.parquet');
    // Assess
    expect(read && Buffer.from(read).equals(Buffer.from(body))).toBe(true);
  });

  it('gives undefined for a key that does not exist', async () => {
    expect(await new S3ObjectReader(s3, { bucketName }).readObject('org-accounts/_latest/tenant_id=111111111111.json')).toBeUndefined();
  });

  it('throws when the bucket does not exist: a configuration error is not "no baseline"', async () => {
    await expect(new S3ObjectReader(s3, { bucketName: 'no-such-orgmeta-bucket' }).readObject('k')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});

describe('S3ObjectReader requests', () => {
  // What moto ignores (ExpectedBucketOwner) or does not answer (403 for a key); only this client instance is mocked.
  const client = new S3Client({ region: 'us-east-1' });
  const s3 = mockClient(client);
  beforeEach(() => s3.reset());

  it('sends ExpectedBucketOwner when configured, and not otherwise', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    await new S3ObjectReader(client, { bucketName: 'b', expectedBucketOwner: '999999999999' }).readObject('k1');
    await new S3ObjectReader(client, { bucketName: 'b' }).readObject('k2');
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'b', Key: 'k1', ExpectedBucketOwner: '999999999999' },
      { Bucket: 'b', Key: 'k2', ExpectedBucketOwner: undefined },
    ]);
  });

  it('throws access errors rather than take them for a missing object', async () => {
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(new S3ObjectReader(client, { bucketName: 'b' }).readObject('k')).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
