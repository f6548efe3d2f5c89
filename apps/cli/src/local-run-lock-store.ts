import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunLockStore, StoredLock } from '@orgmeta/core';

function tokenOf(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown }).code === code;
}

/**
 * Run locks as files under the output directory (`--no-upload` runs). Created complete or not at
 * all: the body goes to a temp file that is then hard-linked to the lock path, which fails when the
 * lock exists. Removal compares the content first; between that read and the unlink another run
 * could take an expired lock over (a window of microseconds, on one machine; see docs/failure-behaviour.md).
 */
export class LocalFileRunLockStore implements RunLockStore {
  private readonly outputDir: string;

  constructor(outputDir: string) {
    this.outputDir = resolve(outputDir);
  }

  private pathOf(key: string): string {
    return join(this.outputDir, ...key.split('/'));
  }

  describe(key: string): string {
    return this.pathOf(key);
  }

  async createExclusive(key: string, body: string): Promise<{ token: string } | undefined> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, body, { encoding: 'utf8', mode: 0o600 });
    try {
      await link(temp, path);
      return { token: tokenOf(body) };
    } catch (error) {
      if (isCode(error, 'EEXIST')) return undefined;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async read(key: string): Promise<StoredLock | undefined> {
    try {
      const body = await readFile(this.pathOf(key), 'utf8');
      return { body, token: tokenOf(body) };
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async removeIf(key: string, token: string): Promise<boolean> {
    const current = await this.read(key);
    if (!current || current.token !== token) return false;
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
  }
}
