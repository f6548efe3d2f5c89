import { join, resolve } from 'node:path';
import { COLLECT_SETTINGS, ConfigError, resolveCollectConfig, type CollectConfig, type ConfigRequirements } from '@orgmeta/core';
import { bucketOwnerProblem } from './bucket-owner';
import { escapesDirectory, isInside } from './local-report-sink';

/** A repeated single-value flag means its last value, as in most CLIs (yargs would make it an array). */
function lastValueOfRepeatedFlags(argv: Record<string, unknown>): Record<string, unknown> {
  const flags = { ...argv };
  for (const setting of COLLECT_SETTINGS) {
    const value = flags[setting.flag];
    if (setting.kind !== 'array' && Array.isArray(value)) flags[setting.flag] = value[value.length - 1];
  }
  return flags;
}

/**
 * Local copies use the S3 keys as paths under --out-dir, so the prefix must stay a relative path
 * inside it. Checked on the value as given (core drops a leading `/`), naming where it came from.
 */
function prefixProblem(flags: Record<string, unknown>, env: NodeJS.ProcessEnv, config: CollectConfig): string | undefined {
  const fromFlag = flags.prefix !== undefined;
  const raw = String(fromFlag ? flags.prefix : (env.REPORT_PREFIX ?? '')).trim();
  const outDir = resolve(config.localOutputDir);
  if (!escapesDirectory(raw) && isInside(outDir, join(outDir, config.prefix))) return undefined;
  return `Invalid ${fromFlag ? '--prefix' : 'REPORT_PREFIX'}: ${JSON.stringify(raw)} must be a relative key prefix without ".." segments (e.g. org-accounts/), so that local copies stay inside --out-dir.`;
}

export function resolveConfigFromCli(
  argv: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  requirements: ConfigRequirements,
): CollectConfig {
  const flags = lastValueOfRepeatedFlags(argv);
  const config = resolveCollectConfig({ flags, env }, requirements);
  const problems = [prefixProblem(flags, env, config), bucketOwnerProblem(config)].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return config;
}
