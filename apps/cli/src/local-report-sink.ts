import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ReportObject, ReportSink, StoredReport } from '@orgmeta/core';

/**
 * Writes reports under a directory with the same relative keys as in S3.
 * Atomic: a temp file in the same folder, then rename, so a reader never sees half a report.
 */
export class LocalFileReportSink implements ReportSink {
  readonly kind = 'local';
  readonly name: string;
  private readonly outputDir: string;

  /** Paths in the summary are absolute, so a manifest still points at the file from elsewhere. */
  constructor(outputDir: string) {
    this.outputDir = resolve(outputDir);
    this.name = this.outputDir;
  }

  async write(report: ReportObject, signal?: AbortSignal): Promise<StoredReport> {
    signal?.throwIfAborted();
    const path = join(this.outputDir, ...report.key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, report.body, { encoding: 'utf8', signal });
      signal?.throwIfAborted();
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { location: path };
  }
}
