import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { findTool, requireRoot } from './tools.ts';

/** One side of a {@link NetnsPair}: its namespace, its veth interface and the addresses on it. */
export interface NetnsEnd {
  /** Network namespace name (`ip netns`), unique per pair. */
  namespace: string;
  /** The veth interface inside that namespace. */
  iface: string;
  /** Primary address: the source the kernel picks for connections to the other side. */
  address: string;
  /** Further addresses on the same interface, for a second, distinguishable client. */
  secondary: string[];
}

/** Options of {@link createNetnsPair}. */
export interface NetnsPairOptions {
  /** How many secondary addresses each side gets (default none). */
  secondary?: { a?: number; b?: number };
}

/** Output of a process run to completion in a namespace. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Two fresh network namespaces joined by a veth pair, on a /24 of the benchmark range 198.18.0.0/15
 * (RFC 2544) chosen at random: nothing outside the two namespaces is created, addressed or changed.
 * `a` has `.1`, `b` has `.2`, secondary addresses follow from `.3`.
 */
export interface NetnsPair {
  readonly id: string;
  readonly subnet: string;
  readonly a: NetnsEnd;
  readonly b: NetnsEnd;
  /** Runs `argv` inside `end`'s namespace to completion; a non-zero exit rejects with its stderr. */
  run(end: NetnsEnd, argv: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  /** Starts `argv` inside `end`'s namespace; it is killed (by its pid) by `destroy` if still running. */
  start(end: NetnsEnd, argv: string[], options?: SpawnOptions): ChildProcess;
  /** Kills the processes it started, then deletes both namespaces (and with them the veth pair). Idempotent. */
  destroy(): Promise<void>;
}

/** Pairs not yet destroyed: deleted synchronously if the process exits first (a crashed or killed test). */
const live = new Set<{ namespaces: string[]; children: Set<ChildProcess> }>();
let exitHook = false;

function ensureExitHook(ip: string): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const pair of live) {
      for (const child of pair.children) if (child.pid !== undefined && running(child)) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      for (const ns of pair.namespaces) try { execFileSync(ip, ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* gone */ }
    }
  });
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function execTool(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) resolve({ stdout, stderr });
      else reject(new Error(`${[file, ...args].join(' ')} failed (${err.code ?? err.signal ?? err.message}): ${stderr.trim() || err.message}`));
    });
  });
}

/** Waits until `child` exits, killing it with SIGKILL after `graceMs`. */
export function waitForExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (!running(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined && running(child)) child.kill('SIGKILL');
    }, graceMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Creates a {@link NetnsPair}; on any failure midway, removes what it created before rethrowing. */
export async function createNetnsPair(options: NetnsPairOptions = {}): Promise<NetnsPair> {
  requireRoot('createNetnsPair');
  const ip = findTool('ip');
  ensureExitHook(ip);
  const id = randomBytes(4).toString('hex');
  const third = randomInt(0, 256);
  const subnet = `198.18.${third}.0/24`;
  const host = (n: number) => `198.18.${third}.${n}`;
  const secondaryA = options.secondary?.a ?? 0;
  const secondaryB = options.secondary?.b ?? 0;
  let next = 3;
  const take = (count: number) => Array.from({ length: count }, () => host(next++));
  const a: NetnsEnd = { namespace: `vt-${id}-a`, iface: `vt${id}a`, address: host(1), secondary: take(secondaryA) };
  const b: NetnsEnd = { namespace: `vt-${id}-b`, iface: `vt${id}b`, address: host(2), secondary: take(secondaryB) };

  const created: string[] = [];
  const children = new Set<ChildProcess>();
  const entry = { namespaces: created, children };
  live.add(entry);

  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await Promise.all(
      [...children].map((child) => {
        if (running(child)) child.kill('SIGTERM');
        return waitForExit(child, 3_000);
      }),
    );
    const failures: string[] = [];
    for (const ns of [...created].reverse()) {
      try {
        await execTool(ip, ['netns', 'del', ns]);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    live.delete(entry);
    if (failures.length > 0) throw new Error(`could not remove network namespaces: ${failures.join('; ')}`);
  };

  try {
    for (const end of [a, b]) {
      await execTool(ip, ['netns', 'add', end.namespace]);
      created.push(end.namespace);
    }
    // Both ends are created inside the namespaces: the veth pair never exists in the caller's namespace.
    await execTool(ip, ['-n', a.namespace, 'link', 'add', a.iface, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.namespace]);
    for (const end of [a, b]) {
      for (const address of [end.address, ...end.secondary]) await execTool(ip, ['-n', end.namespace, 'addr', 'add', `${address}/24`, 'dev', end.iface]);
      await execTool(ip, ['-n', end.namespace, 'link', 'set', 'lo', 'up']);
      await execTool(ip, ['-n', end.namespace, 'link', 'set', end.iface, 'up']);
    }
  } catch (err) {
    await destroy().catch(() => undefined);
    throw err;
  }

  return {
    id,
    subnet,
    a,
    b,
    run: (end, argv, runOptions) => execTool(ip, ['netns', 'exec', end.namespace, ...argv], runOptions),
    start: (end, argv, spawnOptions = {}) => {
      if (destroyed) throw new Error(`network namespace pair ${id} is already destroyed`);
      // `ip netns exec` execs the command after setns: the child's pid is the command's own.
      const child = spawn(ip, ['netns', 'exec', end.namespace, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
      children.add(child);
      return child;
    },
    destroy,
  };
}
