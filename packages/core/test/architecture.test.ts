import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Lints a would-be source file of core through the repository's ESLint config. */
function lintAsCoreSource(source: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      '--stdin',
      '--stdin-filename',
      join(REPO_ROOT, 'packages/core/src/probe.ts'),
    ],
    {
      cwd: REPO_ROOT,
      input: source,
      encoding: 'utf8',
    },
  );
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('core dependency rules', () => {
  it('fails the lint when core imports the AWS SDK', () => {
    const result = lintAsCoreSource("import { S3Client } from '@aws-sdk/client-s3';\nexport const client = S3Client;\n");
    expect(result.status).toBe(1);
    expect(result.output).toContain('packages/core stays pure');
  });

  it('fails the lint when core imports an adapter package', () => {
    const result = lintAsCoreSource("import { S3ReportSink } from '@orgmeta/aws-adapters';\nexport const sink = S3ReportSink;\n");
    expect(result.status).toBe(1);
  });

  it('accepts core code that stays pure', () => {
    const result = lintAsCoreSource("import { createHash } from 'node:crypto';\nexport const hash = createHash;\n");
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
