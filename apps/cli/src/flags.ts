import { ACCOUNT_DETAIL_FAMILIES, COLLECT_SETTINGS } from '@orgmeta/core';
import type { Options } from 'yargs';

/** Every flag of core's settings table. */
export const ALL_FLAGS: readonly string[] = COLLECT_SETTINGS.map((s) => s.flag);

/** The flags that decide which tenants a command looks at and how it reaches them. */
export const SELECTION_FLAGS: readonly string[] = ['table', 'tenant-status', 'tenant-service', 'tenant', 'role-name', 'external-id'];

/** The flags that add account-detail columns (`--ou-path`, `--delegated-admins`, `--contacts`, `--regions`). */
export const DETAIL_FLAGS: readonly string[] = COLLECT_SETTINGS.filter((s) => ACCOUNT_DETAIL_FAMILIES.some((f) => f.flag === s.key)).map(
  (s) => s.flag,
);

/** yargs options generated from core's settings table, so flags, env vars and defaults have one home. */
export function settingOptions(flags: readonly string[]): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const setting of COLLECT_SETTINGS.filter((s) => flags.includes(s.flag))) {
    const extras = [setting.envVar ? `env ${setting.envVar}` : '', setting.defaultValue ? `default ${setting.defaultValue}` : '']
      .filter(Boolean)
      .join('; ');
    options[setting.flag] = {
      // Numbers stay strings here so core can name a bad value instead of yargs turning it into NaN.
      type: setting.kind === 'boolean' ? 'boolean' : setting.kind === 'array' ? 'array' : 'string',
      ...(setting.kind === 'array' ? { string: true } : {}),
      describe: extras ? `${setting.description} [${extras}]` : setting.description,
    };
  }
  return options;
}
