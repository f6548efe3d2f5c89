import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COLLECT_SETTINGS } from '@orgmeta/core';
import { COMMANDS, buildCli } from '../src';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Lints a would-be file under apps/cli/src/commands through the repository's ESLint config. */
function lintAsCommandSource(source: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      '--stdin',
      '--stdin-filename',
      join(REPO_ROOT, 'apps/cli/src/commands/probe.ts'),
    ],
    { cwd: REPO_ROOT, input: source, encoding: 'utf8' },
  );
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the command registry', () => {
  it('declares each command once, with flags from core settings table and examples', () => {
    const known = new Set(COLLECT_SETTINGS.map((s) => s.flag));
    expect(COMMANDS.map((c) => c.name)).toEqual(['collect', 'tenants', 'check', 'changes']);
    for (const command of COMMANDS) {
      expect(command.flags.filter((flag) => !known.has(flag))).toEqual([]);
      expect(command.examples.length).toBeGreaterThan(0);
    }
  });

  it('is what the help lists and what a missing command names', async () => {
    const help = await buildCli([]).getHelp();
    for (const command of COMMANDS) expect(help).toContain(`orgmeta ${command.name}`);
    let message = '';
    await buildCli([])
      .fail((m) => (message = m))
      .exitProcess(false)
      .parseAsync();
    expect(message).toBe('Name a command: collect, tenants, check or changes.');
  });

  it('fails the lint when a command imports cli.ts (no import cycle)', () => {
    const result = lintAsCommandSource("import { runCli } from '../cli';\nexport const run = runCli;\n");
    expect(result.status).toBe(1);
    expect(result.output).toContain('takes its shared types from ../command');
  });

  it('accepts a command that imports the shared types', () => {
    const result = lintAsCommandSource("import type { CommandDefinition } from '../command';\nexport type Probe = CommandDefinition;\n");
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
