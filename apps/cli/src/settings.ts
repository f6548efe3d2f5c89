import { COLLECT_SETTINGS, resolveCollectConfig, type CollectConfig, type ConfigRequirements } from '@orgmeta/core';

/** A repeated single-value flag means its last value, as in most CLIs (yargs would make it an array). */
function lastValueOfRepeatedFlags(argv: Record<string, unknown>): Record<string, unknown> {
  const flags = { ...argv };
  for (const setting of COLLECT_SETTINGS) {
    const value = flags[setting.flag];
    if (setting.kind !== 'array' && Array.isArray(value)) flags[setting.flag] = value[value.length - 1];
  }
  return flags;
}

export function resolveConfigFromCli(
  argv: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  requirements: ConfigRequirements,
): CollectConfig {
  return resolveCollectConfig({ flags: lastValueOfRepeatedFlags(argv), env }, requirements);
}
