import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Objects, clientOptions, createBucket, motoEndpoint, startFaultProxy } from '@orgmeta/test-support';
import { ReportWriteError, acquireRunLock, resolveCollectConfig, type Logger, type ReportObject } from '@orgmeta/core';
import { createHash } from 'node:crypto';
import { S3ReportSink, S3RunLockStore } from '../src';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('S3RunLockStore against moto', () => {
  const endpoint = motoEndpoint();
  const s3 = new S3Client(clientOptions(endpoint));
  const bucketName = 'orgmeta-run-lock';
  const store = new S3RunLockStore(s3, { bucketName });

  beforeAll(async () => {
    await createBucket(endpoint, bucketName);
  });

  it('creates a lock only when there is none (If-None-Match: *)', async () => {
    expect(await store.createExclusive('a/_lock/run.json', '{"runId":"1"}')).toEqual({ token: expect.stringMatching(/^".+"$/) });
    expect(await store.createExclusive('a/_lock/run.json', '{"runId":"2"}')).toBeUndefined();
    expect(await store.read('a/_lock/run.json')).toMatchObject({ body: '{"runId":"1"}' });
  });

  it('removes a lock only while it is the one read (If-Match on DeleteObject)', async () => {
    const created = await store.createExclusive('b/_lock/run.json', '{"runId":"1"}');
    expect(await store.removeIf('b/_lock/run.json', '"not-its-etag"')).toBe(false);
    expect(await store.read('b/_lock/run.json')).toBeDefined();
    expect(await store.removeIf('b/_lock/run.json', created?.token ?? '')).toBe(true);
    expect(await store.read('b/_lock/run.json')).toBeUndefined();
    expect(await store.removeIf('b/_lock/run.json', created?.token ?? '')).toBe(false);
  });

  it('lets exactly one of several runs racing for a free prefix take the lock', async () => {
    const config = resolveCollectConfig({
      flags: {},
      env: { TENANTS_TABLE_NAME: 'tenants', CROSS_ACCOUNT_ROLE_NAME: 'Reader', REPORT_BUCKET_NAME: bucketName, REPORT_PREFIX: 'race/' },
    });
    const attempts = await Promise.allSettled(
      ['r1', 'r2', 'r3', 'r4'].map((runId) =>
        acquireRunLock(
          config,
          { runId, startedAt: new Date() },
          { store, holder: runId, logger: silent, surface: 'cli', region: 'us-east-1' },
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason.name)).toEqual([
      'RunLockHeldError',
      'RunLockHeldError',
      'RunLockHeldError',
    ]);
  });
});

function report(key: string, body: string, runId: string): ReportObject {
  return {
    key,
    body,
    contentType: 'text/csv; charset=utf-8',
    sha256Hex: createHash('sha256').update(body).digest('hex'),
    metadata: { 'run-id': runId, 'row-count': '1' },
  };
}

describe('S3ReportSink: what is in the bucket', () => {
  const endpoint = motoEndpoint();
  const bucketName = 'orgmeta-sink-versions';
  const objects = new S3Objects(endpoint);

  beforeAll(async () => {
    await createBucket(endpoint, bucketName);
    await objects.enableVersioning(bucketName);
  });

  it("gives each write's VersionId in a versioned bucket; each version keeps its own content", async () => {
    const sink = new S3ReportSink(new S3Client(clientOptions(endpoint)), { bucketName });
    const first = await sink.write(report('v/accounts.csv', 'first\n', 'run-1'));
    const second = await sink.write(report('v/accounts.csv', 'second\n', 'run-2'));
    expect(first.versionId).toBeDefined();
    expect(second.versionId).not.toBe(first.versionId);
    expect(await objects.text(bucketName, 'v/accounts.csv', first.versionId)).toBe('first\n');
  });

  it('counts a PUT whose answer was lost after S3 stored it as written (HeadObject finds this run and checksum)', async () => {
    const proxy = await startFaultProxy({
      target: endpoint,
      rules: [{ when: (c) => c.operation === 'PutObject', respond: { kind: 'drop-after-forward' } }],
    });
    try {
      const client = new S3Client({ ...clientOptions(proxy.endpoint), maxAttempts: 1 });
      const stored = await new S3ReportSink(client, { bucketName }).write(report('lost/accounts.csv', 'stored\n', 'run-1'));
      expect(stored).toEqual({ location: 'lost/accounts.csv', versionId: expect.any(String) });
      expect(await objects.text(bucketName, 'lost/accounts.csv', stored.versionId)).toBe('stored\n');
    } finally {
      await proxy.stop();
    }
  });

  it("fails with written: false when the PUT never reached S3 and only an older run's object is at the key", async () => {
    const s3 = new S3Client(clientOptions(endpoint));
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: 'older/accounts.csv', Body: 'old', Metadata: { 'run-id': 'run-0' } }));
    const proxy = await startFaultProxy({
      target: endpoint,
      rules: [{ when: (c) => c.operation === 'PutObject', respond: { kind: 'drop' } }],
    });
    try {
      const client = new S3Client({ ...clientOptions(proxy.endpoint), maxAttempts: 1 });
      const write = new S3ReportSink(client, { bucketName }).write(report('older/accounts.csv', 'new\n', 'run-1'));
      await expect(write).rejects.toBeInstanceOf(ReportWriteError);
      await expect(write).rejects.toMatchObject({ written: false, location: 'older/accounts.csv' });
    } finally {
      await proxy.stop();
    }
  });

  it('fails with written: unknown when S3 cannot be asked afterwards', async () => {
    const proxy = await startFaultProxy({
      target: endpoint,
      rules: [
        {
          when: (c) => c.operation === 'PutObject' || c.operation === 'HeadObject',
          respond: { kind: 'error', status: 500, code: 'InternalError' },
        },
      ],
    });
    try {
      const client = new S3Client({ ...clientOptions(proxy.endpoint), maxAttempts: 1 });
      await expect(new S3ReportSink(client, { bucketName }).write(report('dark/accounts.csv', 'x\n', 'run-1'))).rejects.toMatchObject({
        name: 'ReportWriteError',
        code: 'InternalError',
        written: 'unknown',
      });
    } finally {
      await proxy.stop();
    }
  });
});
