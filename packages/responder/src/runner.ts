import { execFile } from 'node:child_process';

/** Output of a command that exited 0. */
export interface RunOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs one command, given as an argv array (`argv[0]` the program), with no shell: the only way
 * any backend executes anything, so a test can run every command in a network namespace or record
 * them instead. A non-zero exit rejects with a {@link CommandFailedError}.
 */
export type ArgvRunner = (argv: readonly string[]) => Promise<RunOutput>;

/** A command that could not be run or exited non-zero. */
export class CommandFailedError extends Error {
  readonly argv: readonly string[];
  /** The exit code, when the command ran and exited (undefined: not found, killed, timed out). */
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(argv: readonly string[], exitCode: number | undefined, stderr: string, detail: string) {
    super(`${argv.join(' ')} failed (${detail})${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`);
    this.name = 'CommandFailedError';
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Options of {@link execFileRunner}. */
export interface ExecFileRunnerOptions {
  /** Kill a command still running after this long (ms, default 60 000). */
  timeoutMs?: number;
  /** Prepended to every argv, e.g. `['ip', 'netns', 'exec', 'ns1']` in tests. Never from the configuration. */
  prefix?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** The production runner: `execFile` (no shell), a timeout, stdout and stderr collected. */
export function execFileRunner(options: ExecFileRunnerOptions = {}): ArgvRunner {
  const timeout = options.timeoutMs ?? 60_000;
  const prefix = options.prefix ?? [];
  return (argv) => {
    const full = [...prefix, ...argv];
    const [file, ...args] = full;
    if (file === undefined) return Promise.reject(new Error('empty argv'));
    return new Promise((resolve, reject) => {
      execFile(file, args, { timeout, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024, shell: false }, (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
          return;
        }
        const code = typeof error.code === 'number' ? error.code : undefined;
        const detail = code !== undefined ? `exit ${code}` : error.signal ? `killed by ${error.signal}${error.killed ? ` after ${timeout} ms` : ''}` : String(error.code ?? error.message);
        reject(new CommandFailedError(argv, code, String(stderr), detail));
      });
    });
  };
}

/** True when `error` is a command that ran and exited with `code`. */
export function exitedWith(error: unknown, code: number): boolean {
  return error instanceof CommandFailedError && error.exitCode === code;
}
