import { spawn } from 'node:child_process';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /**
   * The executable to run, e.g. the CLI package's own bin: the caller names its build, since
   * test support must not reach into another package's output by path.
   */
  readonly executable: string;
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly timeoutMs?: number;
}

/** Runs a CLI as a child process (through its shebang, as npx does), with only the given environment (plus PATH and HOME). */
export function runOrgmeta(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.executable, [...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
