import { join } from 'node:path';
import { ConfigError } from '@orgmeta/core';
import { COMMANDS, EXIT_SOFTWARE, runCli, type CommandDefinition } from '../src';

const collect = COMMANDS.find((c) => c.name === 'collect') as CommandDefinition;
const EXTERNAL_ID = 'crash-test-external-id-91ab';

/** The real collect command's declaration, with a handler that fails the way a bug would. */
const crashingCollect: CommandDefinition = {
  ...collect,
  run: async () => {
    throw new TypeError(`Cannot read properties of undefined (reading 'accounts') for ${EXTERNAL_ID}`);
  },
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Runs the top-level runner with the given commands, capturing stderr. */
async function run(args: string[], commands: readonly CommandDefinition[] = [crashingCollect]) {
  const stderr: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(args, commands);
    return { code, stderr: stderr.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('runCli when a command throws', () => {
  const base = ['collect', '--table', 'tenants', '--role-name', 'R', '--bucket', 'my-reports', '--external-id', EXTERNAL_ID];

  beforeAll(() => {
    process.env.AWS_REGION = 'us-east-1';
  });

  it('exits 70 (not 1), says reports may have been written and where the manifest would be, without a stack', async () => {
    // Act
    const result = await run([...base, '--save-local', '--out-dir', 'crash-out']);
    // Assess
    expect(result.code).toBe(EXIT_SOFTWARE);
    expect(EXIT_SOFTWARE).toBe(70);
    expect(result.stderr).toContain(
      "orgmeta: unexpected error in collect: TypeError: Cannot read properties of undefined (reading 'accounts')",
    );
    expect(result.stderr).toContain('Reports may have been written before it stopped, and no run manifest lists them');
    expect(result.stderr).toContain(`s3://my-reports/org-accounts/dt=${today()}/_manifests/<run-id>.json`);
    expect(result.stderr).toContain(join(process.cwd(), 'crash-out', `org-accounts/dt=${today()}/_manifests/<run-id>.json`));
    expect(result.stderr).toContain('re-run with --verbose for the stack trace');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('masks the secrets of the command in what it prints', async () => {
    const result = await run(base);
    expect(result.stderr).toContain('for ***');
    expect(result.stderr).not.toContain(EXTERNAL_ID);
  });

  it('adds the stack trace with --verbose', async () => {
    const result = await run([...base, '--verbose']);
    expect(result.code).toBe(EXIT_SOFTWARE);
    expect(result.stderr).toMatch(/^\s+at .*crash\.test\.ts/m);
  });

  it('stays one JSON line with --log-format json', async () => {
    const result = await run([...base, '--log-format', 'json']);
    expect(result.code).toBe(EXIT_SOFTWARE);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      message: expect.stringContaining('unexpected error in collect: TypeError'),
      exitCode: 70,
      outputs: expect.stringContaining(`s3://my-reports/org-accounts/dt=${today()}/_manifests/<run-id>.json`),
    });
  });

  it('still exits 1 for a configuration error found by the command, which writes nothing', async () => {
    const refusing: CommandDefinition = {
      ...collect,
      run: async () => {
        throw new ConfigError('Missing something: set --something.');
      },
    };
    const result = await run(base, [refusing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('orgmeta: Missing something: set --something.\n');
  });
});
