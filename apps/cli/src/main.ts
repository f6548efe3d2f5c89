#!/usr/bin/env -S node --optimize-for-size
// --optimize-for-size: V8 keeps its heap small (peak RSS at 10,000 accounts 170 MB -> 98 MB for ~6% CPU; see npm run bench --big).
import { runCli } from './cli';
import { EXIT_INTERRUPTED } from './exit-codes';

const INTERRUPTED_CODES = new Set(Object.values(EXIT_INTERRUPTED));

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // After an interrupt, abandoned AWS calls may still be retrying: leave once stdout is flushed.
    if (INTERRUPTED_CODES.has(code)) process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`orgmeta: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
