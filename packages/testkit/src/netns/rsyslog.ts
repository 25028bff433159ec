// A private rsyslogd from Debian's rsyslog package, configured as Debian's /etc/rsyslog.conf files auth
// and kernel lines (auth,authpriv.* to auth.log, kern.* to kern.log, the rest to syslog, traditional
// file format), for tests whose programs log through a real syslog daemon into files that Vigil tails.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForExit } from './pair.ts';
import type { SyslogSocket } from './syslog-socket.ts';
import { findTool } from './tools.ts';

/** Options of {@link startRsyslog}. */
export interface RsyslogOptions {
  /** A folder of the test's own: the configuration, the pid file, the work folder and the log files go there. */
  dir: string;
  /** The host name rsyslog writes in every line (`localHostName`). */
  hostname: string;
  /** The Unix socket programs log to, created by rsyslog (bind-mounted over `/dev/log` where they run). */
  socket: string;
  /**
   * Starts a program, by default in the caller's namespaces; {@link NetnsPair.start} runs it in a
   * network namespace (the server's). It must pipe stdout and stderr.
   */
  start?: (argv: string[], options: SpawnOptions) => ChildProcess;
}

/**
 * A running rsyslogd, read as a {@link SyslogSocket} whose lines are auth.log's, plus a way in for the
 * kernel's own messages.
 */
export interface Rsyslog extends SyslogSocket {
  /** `auth,authpriv.*`: sshd's and PAM's lines. */
  readonly authLog: string;
  /** `kern.*`: what {@link kernel} sends (the kernel's netfilter LOG lines). */
  readonly kernLog: string;
  /** `*.*;auth,authpriv.none`: rsyslogd's own start and stop messages among others. */
  readonly syslogFile: string;
  /**
   * Logs one kernel message, the text after `kernel: ` (`[  123.456789] [netfilter] IN=...`); it is in
   * kern.log as `Mmm dd HH:MM:SS <host> kernel: <message>` once rsyslog wrote it.
   */
  kernel(message: string): void;
  /** The lines of kern.log so far. */
  kernLines(): string[];
}

/**
 * The configuration. Only Unix sockets of the lab's own: `SysSock.Use="off"` keeps rsyslog off the
 * host's /dev/log, and there is no imklog, because the host's kernel ring buffer is not the lab's. A
 * second socket, bound to the `kernel` ruleset, takes the kernel's lines, which the kernel does not log
 * itself from a network namespace (see {@link startRsyslog}). No rate limiting: a test counts lines.
 */
function config(o: { dir: string; hostname: string; socket: string; kernelSocket: string; auth: string; kern: string; syslog: string }): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    // processInternalMessages: rsyslogd's own messages go to its own files, not to the host's /dev/log
    `global(workDirectory=${q(o.dir)} localHostName=${q(o.hostname)} processInternalMessages="on")`,
    'module(load="imuxsock" SysSock.Use="off")',
    // Debian 12's rsyslog.conf: the traditional format, `Mmm dd HH:MM:SS host tag[pid]: message`
    'module(load="builtin:omfile" Template="RSYSLOG_TraditionalFileFormat")',
    `input(type="imuxsock" Socket=${q(o.socket)} RateLimit.Interval="0")`,
    `input(type="imuxsock" Socket=${q(o.kernelSocket)} RateLimit.Interval="0" Ruleset="kernel")`,
    `ruleset(name="kernel") { action(type="omfile" file=${q(o.kern)}) }`,
    `auth,authpriv.* action(type="omfile" file=${q(o.auth)})`,
    `kern.* action(type="omfile" file=${q(o.kern)})`,
    `*.*;auth,authpriv.none action(type="omfile" file=${q(o.syslog)})`,
    '',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const readLines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
const sizeOf = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

/**
 * Starts `rsyslogd -n -f <conf> -i <pidfile>` (TZ=UTC, so its stamps are UTC as the ingest's default
 * zone reads them) and resolves once it logged its own start. The kernel's lines go in through
 * `logger -u <kernel socket> -t kernel` (util-linux), one long-running process fed line by line: the
 * kernel's LOG target does not log from a network namespace other than the first unless the host-wide
 * `nf_log_all_netns` sysctl is set (a test must not change it), and /dev/kmsg then holds nothing of
 * the lab, so the caller writes each line the kernel would have written and rsyslog files it.
 */
export async function startRsyslog(options: RsyslogOptions): Promise<Rsyslog> {
  const rsyslogd = findTool('rsyslogd');
  const logger = findTool('logger');
  const { dir, hostname, socket } = options;
  const files = { auth: join(dir, 'auth.log'), kern: join(dir, 'kern.log'), syslog: join(dir, 'syslog') };
  const kernelSocket = join(dir, 'kernel.sock');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, config({ dir, hostname, socket, kernelSocket, ...files }));
  // the files exist from the start, as on a host, for whoever tails them
  for (const file of Object.values(files)) writeFileSync(file, '', { flag: 'a', mode: 0o640 });
  const start = options.start ?? ((argv: string[], o: SpawnOptions) => spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...o }));
  const env = { ...process.env, TZ: 'UTC' };

  const daemon = start([rsyslogd, '-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { env });
  let output = '';
  daemon.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  daemon.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const children: ChildProcess[] = [daemon];
  const close = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await waitForExit(child, 3_000);
    }
  };
  let kernelFeed: ChildProcess;
  try {
    const deadline = Date.now() + 10_000;
    while (!readLines(files.syslog).some((l) => / rsyslogd: \[origin software="rsyslogd".*\] start$/.test(l))) {
      if (daemon.exitCode !== null) throw new Error(`rsyslogd exited (${daemon.exitCode}): ${output.trim()}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd did not log its start within 10 s: ${output.trim()}`);
      await sleep(50);
    }
    kernelFeed = start([logger, '-u', kernelSocket, '--socket-errors=on', '-t', 'kernel', '-p', 'kern.warning'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(kernelFeed);
    let feedErrors = '';
    kernelFeed.stderr?.on('data', (chunk: Buffer) => (feedErrors += chunk.toString()));
    // logger prints nothing when it is ready: that it is still running a moment later is all there is
    await sleep(200);
    if (kernelFeed.exitCode !== null) throw new Error(`logger, the kernel line feed, exited (${kernelFeed.exitCode}): ${feedErrors.trim()}`);
  } catch (error) {
    await close();
    throw error;
  }

  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = readLines(files.auth).find((line) => pattern.test(line));
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no auth.log line matched ${pattern} within ${timeoutMs} ms; auth.log:\n${readLines(files.auth).join('\n')}`);
      await sleep(50);
    }
  };
  const settled = async (quietMs: number, timeoutMs: number): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    let size = sizeOf(files.auth) + sizeOf(files.kern);
    let since = Date.now();
    while (Date.now() - since < quietMs && Date.now() < deadline) {
      await sleep(50);
      const now = sizeOf(files.auth) + sizeOf(files.kern);
      if (now !== size) [size, since] = [now, Date.now()];
    }
    return readLines(files.auth);
  };
  return {
    path: socket,
    authLog: files.auth,
    kernLog: files.kern,
    syslogFile: files.syslog,
    lines: () => readLines(files.auth),
    kernLines: () => readLines(files.kern),
    kernel: (message) => {
      kernelFeed.stdin?.write(`${message.replace(/\n/g, ' ')}\n`);
    },
    waitFor,
    settled,
    close,
  };
}
