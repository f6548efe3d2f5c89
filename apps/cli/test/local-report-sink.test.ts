import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportObject } from '@orgmeta/core';
import { LocalFileReportSink } from '../src';

function report(key: string): ReportObject {
  return { key, body: 'tenant_id,account_email\n111122223333,jane@example.com\n', contentType: 'text/csv', sha256Hex: '', metadata: {} };
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('LocalFileReportSink', () => {
  let root: string;
  let outDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'orgmeta-sink-'));
    outDir = join(root, 'out');
  });

  it('writes a report readable by its owner only, in directories it creates for its owner only', async () => {
    // Act
    const stored = await new LocalFileReportSink(outDir).write(report('p/dt=2024-05-01/tenant_id=111122223333/accounts.csv'));
    // Assess
    expect(stored.location).toBe(join(outDir, 'p/dt=2024-05-01/tenant_id=111122223333/accounts.csv'));
    expect(readFileSync(stored.location, 'utf8')).toContain('jane@example.com');
    expect(mode(stored.location)).toBe(0o600);
    for (const dir of ['', 'p', 'p/dt=2024-05-01', 'p/dt=2024-05-01/tenant_id=111122223333']) expect(mode(join(outDir, dir))).toBe(0o700);
  });

  it('replaces an earlier report of the same day, still owner-only', async () => {
    const sink = new LocalFileReportSink(outDir);
    await sink.write(report('p/accounts.csv'));
    const stored = await sink.write({ ...report('p/accounts.csv'), body: 'second\n' });
    expect(readFileSync(stored.location, 'utf8')).toBe('second\n');
    expect(mode(stored.location)).toBe(0o600);
    expect(readdirSync(join(outDir, 'p'))).toEqual(['accounts.csv']);
  });

  it.each(['../escape/accounts.csv', 'a/../../b/accounts.csv', '/etc/orgmeta/accounts.csv', '..', 'p/tenant_id=..\\..\\x/../../../y'])(
    'refuses the key %j, which would leave the output directory, and writes nothing',
    async (key) => {
      await expect(new LocalFileReportSink(outDir).write(report(key))).rejects.toMatchObject({
        name: 'UnsafeOutputPathError',
        code: 'UnsafeOutputPath',
      });
      expect(readdirSync(root)).toEqual([]);
    },
  );

  it('refuses to follow a symbolic link out of the output directory', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(outDir);
    symlinkSync(elsewhere, join(outDir, 'p'));
    await expect(new LocalFileReportSink(outDir).write(report('p/accounts.csv'))).rejects.toMatchObject({ code: 'UnsafeOutputPath' });
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
