/**
 * Prints the size of every Lambda bundle as `cdk synth` builds it (esbuild, minified,
 * AWS SDK inside), for `npm run bench`. Target: at most 2 MB each.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { cdkJsonContext } from './cdk-json';
import { buildApp } from './main';

const LIMIT_BYTES = 2 * 1024 * 1024;

interface TemplateFunction {
  readonly Type: string;
  readonly Properties: { readonly Handler?: string; readonly Code?: { readonly S3Key?: string } };
}

function bundleSizes(mode: string): { handler: string; bytes: number }[] {
  const outdir = mkdtempSync(join(tmpdir(), 'orgmeta-synth-'));
  const assembly = buildApp(new App({ outdir, context: { ...cdkJsonContext(), mode } })).synth();
  const template = JSON.parse(readFileSync(join(outdir, assembly.getStackByName('OrgmetaCollector').templateFile), 'utf8')) as {
    Resources: Record<string, TemplateFunction>;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((fn) => {
      const hash = (fn.Properties.Code?.S3Key ?? '').replace(/\.zip$/, '');
      return { handler: fn.Properties.Handler ?? '?', bytes: statSync(join(outdir, `asset.${hash}`, 'index.js')).size };
    });
}

const rows = [...bundleSizes('single'), ...bundleSizes('fanout')];
process.stdout.write('\nLambda bundles (minified, AWS SDK bundled)\n');
for (const { handler, bytes } of rows) {
  process.stdout.write(
    `  ${handler.padEnd(28)} ${(bytes / 1024).toFixed(0).padStart(6)} KB  ${bytes <= LIMIT_BYTES ? '(target <= 2048 KB: met)' : '(target <= 2048 KB: NOT met)'}\n`,
  );
}
