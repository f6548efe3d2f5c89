import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ObjectLister, ObjectReader } from '@orgmeta/core';

/**
 * Reads objects of the local output folder by their relative keys (the same keys as in S3), for
 * change detection with `--no-upload` and `orgmeta changes`. A missing file is `undefined`. A key
 * that would leave the folder (`..`, an absolute path in a tampered pointer) is refused.
 */
export class LocalObjectReader implements ObjectReader, ObjectLister {
  private readonly root: string;

  constructor(outputDir: string) {
    this.root = resolve(outputDir);
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Keys (with `/`) of the files under a key prefix that ends with `/`; temp files of unfinished writes are left out. */
  async listKeys(prefix: string): Promise<string[]> {
    const dir = this.pathOf(prefix.replace(/\/+$/, ''));
    let entries: string[];
    try {
      const dirents = await readdir(dir, { recursive: true, withFileTypes: true });
      entries = dirents.filter((d) => d.isFile()).map((d) => relative(dir, join(d.parentPath, d.name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return entries
      .map((entry) => `${base}${entry.split(/[\\/]/).join('/')}`)
      .filter((key) => !key.endsWith('.tmp'))
      .sort();
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, ...key.split('/')));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`The key ${JSON.stringify(key)} is outside the output folder ${this.root}`);
    }
    return path;
  }
}
