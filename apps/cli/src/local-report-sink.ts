import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ReportObject, ReportSink, StoredReport } from '@orgmeta/core';
import { UnsafeOutputPathError } from './errors';

/** Reports and manifests hold people's names and email addresses: readable by their owner only. */
export const LOCAL_FILE_MODE = 0o600;
/** Directories the sink creates. */
export const LOCAL_DIRECTORY_MODE = 0o700;

/** True when `path` is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The segments of a relative key or prefix that could climb out of a directory: `..`, or an absolute start. */
export function escapesDirectory(relativePath: string): boolean {
  return isAbsolute(relativePath) || /^[\\/]|^[A-Za-z]:/.test(relativePath) || relativePath.split(/[\\/]/).includes('..');
}

/**
 * Writes reports under a directory with the same relative keys as in S3.
 * Atomic: a temp file in the same folder, then rename, so a reader never sees half a report.
 * Whatever the key says (a prefix, a tenant value), nothing is written outside the directory.
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
    if (escapesDirectory(report.key) || !isInside(this.outputDir, path)) throw new UnsafeOutputPathError(report.key, this.outputDir);
    await mkdir(dirname(path), { recursive: true, mode: LOCAL_DIRECTORY_MODE });
    // A symbolic link inside the directory must not lead the write elsewhere either.
    if (!isInside(await realpath(this.outputDir), await realpath(dirname(path)))) {
      throw new UnsafeOutputPathError(report.key, this.outputDir);
    }
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      // 'wx': never through a file (or link) that is already there.
      await writeFile(temp, report.body, { encoding: 'utf8', mode: LOCAL_FILE_MODE, flag: 'wx', signal });
      signal?.throwIfAborted();
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { location: path };
  }
}
