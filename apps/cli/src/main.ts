#!/usr/bin/env -S node --optimize-for-size
// --optimize-for-size: V8 keeps its heap small (peak RSS at 10,000 accounts 170 MB -> 98 MB for ~6% CPU; see npm run bench --big).
import { SecretMasker } from '@orgmeta/core';
import { runCli } from './cli';
import { reportCrash } from './crash';
import { secretValues } from './environment';
import { EXIT_INTERRUPTED } from './exit-codes';

const INTERRUPTED_CODES = new Set(Object.values(EXIT_INTERRUPTED));

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // After an interrupt, abandoned AWS calls may still be retrying: leave once stdout is flushed.
    if (INTERRUPTED_CODES.has(code)) process.stdout.write('', () => process.exit(code));
  },
  // Only what escapes the command line parser itself gets here; runCli reports a command's own crash.
  (error: unknown) => {
    process.exitCode = reportCrash(error, {
      verbose: process.argv.includes('--verbose'),
      format: 'text',
      secrets: new SecretMasker(secretValues(process.env)),
    });
  },
);
