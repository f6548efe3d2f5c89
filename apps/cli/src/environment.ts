import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';

/**
 * Loads `.env` from the working directory into process.env without overriding
 * what is already set, so the precedence is flag > environment > .env > default,
 * and the AWS SDK sees AWS_REGION / AWS_ENDPOINT_URL from .env too.
 */
export function loadEnvironment(cwd: string = process.cwd()): NodeJS.ProcessEnv {
  const path = join(cwd, '.env');
  if (existsSync(path)) loadDotenv({ path, quiet: true, override: false });
  return process.env;
}

/** Values from the environment that must never be printed. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'CROSS_ACCOUNT_EXTERNAL_ID']
    .map((name) => env[name])
    .filter((value): value is string => Boolean(value));
}
