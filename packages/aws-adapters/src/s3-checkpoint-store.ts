import type { CheckpointStore, ReportObject } from '@orgmeta/core';
import type { S3ObjectReader } from './s3-object-reader';
import type { S3ReportSink } from './s3-report-sink';

/**
 * Resumable tenants' checkpoints in the report bucket (under the run's `_runs/` files): written
 * like a report (checksum, owner check, the report key), read like a snapshot.
 */
export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly sink: S3ReportSink,
    private readonly reader: S3ObjectReader,
  ) {}

  load(key: string): Promise<Uint8Array | undefined> {
    return this.reader.readObject(key);
  }

  async save(object: ReportObject): Promise<void> {
    await this.sink.write(object);
  }

  remove(key: string): Promise<void> {
    return this.sink.remove(key);
  }

  /** Deletes every checkpoint under `prefix` (a run's, when it ends); gives the keys deleted. */
  async removeAll(prefix: string): Promise<string[]> {
    const keys = await this.reader.listKeys(prefix);
    for (const key of keys) await this.sink.remove(key);
    return keys;
  }
}
