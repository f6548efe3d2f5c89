import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The context `cdk synth` reads from cdk.json (its feature flags included), for the programs and
 * tests that build the app without the CDK CLI: they then build what `cdk synth` builds.
 */
export function cdkJsonContext(): Record<string, unknown> {
  // src/ and lib/ both sit beside cdk.json.
  const parsed = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return parsed.context ?? {};
}
