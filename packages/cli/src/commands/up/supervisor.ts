import { spawn, type ChildProcess } from 'node:child_process';
import { LinePrefixer } from './lines.ts';
import type { RoleName, RoleSpec } from './roles.ts';

/** How a child ended: its exit code, or the signal that ended it. */
export interface ChildExit {
  role: RoleName;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether it had written its ready line (a role stopped while starting has no handler for SIGTERM yet). */
  ready: boolean;
  /** Why it could not even start (spawn error), if so. */
  error?: string;
}

/** `exit code 1`, `signal SIGKILL`, `could not start: ...`. */
export function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** The node binary (`process.execPath`). */
  node: string;
  /** The CLI entry, `packages/cli/bin/vigil.js`. */
  entry: string;
  /** Put before every role's own arguments: `--config <file>`. */
  globalArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Receives every prefixed output line of every child, one call per line. */
  write: (line: string) => void;
}

interface Running {
  spec: RoleSpec;
  child: ChildProcess;
  ready: boolean;
  exit: ChildExit | undefined;
  closed: Promise<ChildExit>;
}

/**
 * Vigil's children: started with the same node and CLI entry, their stdout and stderr turned into
 * prefixed lines, watched for their ready line and for an exit. Each runs in a process group of its
 * own (`detached`), so only `vigil up` decides when it gets a signal.
 */
export class Supervisor {
  readonly #o: SupervisorOptions;
  readonly #running: Running[] = [];
  #stopping = false;
  #onExit: ((exit: ChildExit) => void) | undefined;
  #onReady: (() => void) | undefined;
  #killNow: (() => void) | undefined;
  /** Resolves with the first child that exits before {@link stop} was called: a crash. */
  readonly crashed: Promise<ChildExit>;
  /** Resolves once every started child has written its ready line. */
  readonly ready: Promise<void>;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    this.crashed = new Promise((resolve) => {
      this.#onExit = resolve;
    });
    this.ready = new Promise((resolve) => {
      this.#onReady = resolve;
    });
  }

  /** The children in start order, with their pids. */
  get processes(): Array<{ role: RoleName; pid: number }> {
    return this.#running.filter((r) => r.child.pid !== undefined).map((r) => ({ role: r.spec.name, pid: r.child.pid as number }));
  }

  /** Roles that have not written their ready line yet. */
  get starting(): RoleName[] {
    return this.#running.filter((r) => !r.ready && r.exit === undefined).map((r) => r.spec.name);
  }

  /** Starts every role; `ready` resolves when each has said so. */
  start(specs: readonly RoleSpec[]): void {
    for (const spec of specs) this.#running.push(this.#spawn(spec));
    if (specs.length === 0) this.#onReady?.();
  }

  #spawn(spec: RoleSpec): Running {
    const child = spawn(this.#o.node, [this.#o.entry, ...this.#o.globalArgs, ...spec.args], {
      cwd: this.#o.cwd,
      env: this.#o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let resolveClosed!: (exit: ChildExit) => void;
    const closed = new Promise<ChildExit>((resolve) => {
      resolveClosed = resolve;
    });
    const running: Running = { spec, child, ready: false, exit: undefined, closed };
    const done = (exit: ChildExit) => {
      if (running.exit !== undefined) return;
      running.exit = exit;
      resolveClosed(exit);
      if (!this.#stopping) this.#onExit?.(exit);
    };
    // 'close' comes after both streams ended, so a crash's last lines are printed before it is reported
    child.once('close', (code, signal) => done({ role: spec.name, pid: child.pid, code, signal, ready: running.ready }));
    child.once('error', (err) => {
      if (child.pid === undefined) done({ role: spec.name, pid: undefined, code: null, signal: null, ready: false, error: err.message });
    });
    const write = (line: string) => {
      this.#o.write(line);
      if (!running.ready && spec.ready.test(line)) this.#markReady(running);
    };
    for (const stream of [child.stdout, child.stderr]) {
      const prefixer = new LinePrefixer({ prefix: `[${spec.name}] `, write });
      stream?.on('data', (chunk: Buffer) => prefixer.push(chunk));
      stream?.on('end', () => prefixer.end());
    }
    return running;
  }

  #markReady(running: Running): void {
    running.ready = true;
    if (this.#running.every((r) => r.ready)) this.#onReady?.();
  }

  /**
   * SIGTERM to every child still running, then waits for them, at most `timeoutMs` (or until
   * {@link kill}); those still running then get SIGKILL, their whole process group. Returns how
   * each ended and which were killed.
   */
  async stop(timeoutMs: number): Promise<{ exits: ChildExit[]; killed: RoleName[] }> {
    this.#stopping = true;
    const alive = () => this.#running.filter((r) => r.exit === undefined);
    for (const r of alive()) r.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      this.#killNow = resolve;
    });
    await Promise.race([Promise.all(this.#running.map((r) => r.closed)), deadline]);
    clearTimeout(timer);
    const killed = alive().map((r) => r.spec.name);
    for (const r of alive()) killGroup(r.child);
    const exits = await Promise.all(this.#running.map((r) => r.closed));
    return { exits, killed };
  }

  /** Ends the wait of a {@link stop} in progress: SIGKILL now (a second Ctrl-C). */
  kill(): void {
    this.#killNow?.();
  }
}

/** SIGKILL to the child's process group (it leads one: `detached`), else to the child alone. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
