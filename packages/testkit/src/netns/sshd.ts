// A real OpenSSH server with PAM in a throwaway network namespace, for tests that need the lines sshd
// and PAM really write (seed 000's enumeration probe, attempts counted once whatever lines they leave).
import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { waitForOutput } from './capture.ts';
import { SBIN_PATH } from './firewall.ts';
import { createNetnsPair, type NetnsPair } from './pair.ts';
import { startSyslogSocket, type SyslogSocket } from './syslog-socket.ts';
import { findTool } from './tools.ts';

/** Options of {@link createSshdLab}. */
export interface SshdLabOptions {
  /** Client addresses, all in one namespace: its primary address and `clients - 1` more (default 3). */
  clients?: number;
  /** The server's host name in every line it logs (default `bastion-1`). */
  hostname?: string;
  /** sshd_config lines added after the lab's own (`MaxAuthTries 3`); sshd takes the first value of a keyword. */
  sshdConfig?: string[];
  /**
   * Starts what listens on sshd's `/dev/log` (default {@link startSyslogSocket}, a test socket that keeps
   * the lines in memory). It is called once the namespaces and the lab's files exist, before sshd
   * starts, and must create a syslog socket at `where.path`; the lab closes it in `destroy`. See
   * rsyslog.ts for a real rsyslogd.
   */
  syslog?: (where: SyslogPlace) => Promise<SyslogSocket>;
}

/** Where {@link SshdLabOptions.syslog} starts its daemon. */
export interface SyslogPlace {
  /** The socket to create; sshd's mount namespace bind-mounts it over `/dev/log`. */
  path: string;
  /** The server's host name, for the lines' host field. */
  hostname: string;
  /** The lab's namespaces: sshd runs in `pair.b`. */
  pair: NetnsPair;
  /** The lab's folder (removed by `destroy`). */
  dir: string;
}

/** One login by the real `ssh` client. */
export interface SshLogin {
  /** The client address to connect from (one of {@link SshdLab.clients}). */
  from: string;
  user: string;
  /** `password`, or `keyboard-interactive` (sshd hands the prompts to PAM). */
  method: 'password' | 'keyboard-interactive';
  /** What is typed at each prompt, in order; the client gives up after the last one. */
  answers: string[];
}

/** What {@link SshdLab.ssh} saw. */
export interface SshLoginResult {
  /** ssh ran its command (`true`) on the server. */
  authenticated: boolean;
  /** The prompts the client answered, in order. */
  prompts: string[];
}

/**
 * sshd from Debian's openssh-server (`sshd -D`, `UsePAM yes`, default `LogLevel`, Debian's
 * /etc/pam.d/sshd) listening on port 22 of one namespace, clients in another. Its syslog goes to a
 * socket the test reads, as auth.log lines (rsyslog's default file format on Debian). Nothing outside
 * the namespaces changes: the test user, /dev/log, /run/sshd and the login records exist only in
 * sshd's private mount namespace.
 */
export interface SshdLab {
  /** The server's host name, as its lines (auth.log and firewall) carry it. */
  readonly hostname: string;
  /** The namespaces: clients in `a`, sshd in `b` (for more programs on either side). */
  readonly pair: NetnsPair;
  /** What receives sshd's and PAM's syslog. */
  readonly syslog: SyslogSocket;
  /** sshd's address. */
  readonly server: string;
  /** Addresses clients can connect from. */
  readonly clients: readonly string[];
  /** An account that exists on the server, with its password. */
  readonly user: { readonly name: string; readonly password: string };
  /** What `sshd -V` prints (`OpenSSH_9.2, OpenSSL 3.0.x ...`). */
  readonly version: string;
  /** A login with OpenSSH's `ssh` client, prompts answered through SSH_ASKPASS. */
  ssh(login: SshLogin): Promise<SshLoginResult>;
  /** Seed 000's user-enumeration probe for `user`: a publickey request cut short (see ssh-probe.ts). */
  probe(from: string, user: string): Promise<void>;
  /** A TCP connection to port 22 that reads the server's banner and closes, saying nothing. */
  connect(from: string): Promise<void>;
  /** The auth.log lines so far, once sshd and PAM have been quiet for a moment. */
  authLog(): Promise<string[]>;
  /**
   * One iptables LOG line (`[netfilter] IN=... SRC=... DPT=22 ... SYN`, as seed 000's rule logs new
   * connections to port 22) per SYN that reached port 22 so far. The kernel's LOG target does not log
   * from a network namespace other than the first (unless the host-wide `nf_log_all_netns` sysctl is
   * set, which a test must not change), so tcpdump captures each SYN and the line is written in the
   * kernel's format from it: address, ports, window and MACs are the packet's, `TTL=64 ID=0` are not.
   */
  firewallLog(): Promise<string[]>;
  /** Stops every process, removes the namespaces and the lab's files. */
  destroy(): Promise<void>;
}

const USER = { name: 'vigiltest', uid: 61_234, password: 'vigil-lab-password' } as const;
/** `openssl passwd -6 -salt vigil.lab vigil-lab-password`: a crypt(3) SHA-512 hash for /etc/shadow. */
const PASSWORD_HASH = '$6$vigil.lab$vlyHk8fJIRGRTyFYUdOW83Ln9Ugg.ODw/4yfZefUydWdOo8OqikQnC353j9ck4JdpDhLXhChp7KFC391JmT71/';

// Runs in sshd's own mount namespace: a private /dev whose `log` is the lab's syslog socket, a private
// /run (privilege separation directory) and /var/log (utmp, wtmp, btmp, lastlog), and the test user
// in bind-mounted copies of passwd, group and shadow. Then sshd, in the foreground.
const SSHD_NAMESPACE = `
set -eu
lab=$1 sshd=$2
mount --make-rprivate /
mount -t tmpfs -o mode=755 lab-dev "$lab/dev"
for node in null zero full random urandom tty; do touch "$lab/dev/$node"; mount --bind "/dev/$node" "$lab/dev/$node"; done
mkdir "$lab/dev/pts"; mount --bind /dev/pts "$lab/dev/pts"; ln -s pts/ptmx "$lab/dev/ptmx"; ln -s /proc/self/fd "$lab/dev/fd"
touch "$lab/dev/log"; mount --bind "$lab/log.sock" "$lab/dev/log"
mount --rbind "$lab/dev" /dev
mount -t tmpfs -o mode=755 lab-run /run; mkdir -m 755 /run/sshd
mount -t tmpfs -o mode=755 lab-log /var/log
for file in passwd group shadow; do mount --bind "$lab/$file" "/etc/$file"; done
exec "$sshd" -D -f "$lab/sshd_config"
`;

// SSH_ASKPASS: prints the next answer of this login (one per prompt) and records the prompt.
const ASKPASS = `#!/bin/sh
n=$(($(cat "$VIGIL_ASKPASS_DIR/count" 2>/dev/null || echo 0) + 1))
echo "$n" > "$VIGIL_ASKPASS_DIR/count"
printf '%s\\n' "$1" >> "$VIGIL_ASKPASS_DIR/prompts"
sed -n "\${n}p" "$VIGIL_ASKPASS_DIR/answers"
`;

// Reads the server's banner, then closes without a word.
const PLAIN_CONNECT = `
const net = require('node:net');
const [host, localAddress] = process.argv.slice(1);
const s = net.connect({ host, port: 22, localAddress });
s.on('data', () => s.end());
s.on('error', (e) => { console.error(String(e)); process.exit(1); });
s.on('close', () => process.exit(0));
`;

function sshdConfig(lab: string, listen: string, extra: readonly string[]): string {
  // Debian's /etc/ssh/sshd_config (UsePAM, no motd, sftp) with keyboard-interactive on and its own host key
  return [
    'Port 22',
    `ListenAddress ${listen}`,
    `HostKey ${lab}/ssh_host_ed25519_key`,
    'UsePAM yes',
    'KbdInteractiveAuthentication yes',
    'PasswordAuthentication yes',
    'PrintMotd no',
    'PidFile none',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    ...extra,
    '',
  ].join('\n');
}

/** passwd, group and shadow of the host plus the test user, for sshd's mount namespace only. */
function writeAccounts(lab: string): void {
  const home = join(lab, 'home');
  mkdirSync(home);
  chownSync(home, USER.uid, USER.uid);
  const append = (file: string, line: string) => writeFileSync(join(lab, file), `${readFileSync(`/etc/${file}`, 'utf8').replace(/\n?$/, '\n')}${line}\n`, { mode: file === 'shadow' ? 0o640 : 0o644 });
  append('passwd', `${USER.name}:x:${USER.uid}:${USER.uid}:Vigil test user:${home}:/bin/sh`);
  append('group', `${USER.name}:x:${USER.uid}:`);
  append('shadow', `${USER.name}:${PASSWORD_HASH}:20000:0:99999:7:::`);
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, PATH: SBIN_PATH } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the exit code and output of a child started by {@link NetnsPair.start}. */
export function finished(child: ChildProcess): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mmm dd HH:MM:SS` of a UTC instant: the timestamp of rsyslog's traditional format. */
function syslogTime(t: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}

// `tcpdump -e -n -tttt` (TZ=UTC) of a SYN: time, MACs, frame length, addresses and ports, window
const SYN_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}) (\S+) > (\S+), ethertype IPv4 \(0x0800\), length (\d+): ([\d.]+)\.(\d+) > ([\d.]+)\.(\d+): Flags \[S\].*?\bwin (\d+)/;

/**
 * The kernel LOG line (`-j LOG --log-prefix '[netfilter] '`) for a SYN tcpdump printed, or undefined.
 * `bootMs` is when the kernel's clock started, for the `[uptime]` stamp.
 */
export function firewallLogLine(tcpdumpLine: string, hostname: string, iface: string, bootMs: number): string | undefined {
  const logged = firewallLogMessage(tcpdumpLine, iface, bootMs);
  return logged === undefined ? undefined : `${syslogTime(logged.at)} ${hostname} kernel: ${logged.message}`;
}

/**
 * What the kernel itself logs for a SYN tcpdump printed (`[uptime] [netfilter] IN=...`, the text after
 * `kernel: `), and when; undefined for any other line. See {@link firewallLogLine}.
 */
export function firewallLogMessage(tcpdumpLine: string, iface: string, bootMs: number): { at: Date; message: string } | undefined {
  const m = SYN_LINE.exec(tcpdumpLine);
  if (m === null) return undefined;
  const [, time, srcMac, dstMac, frame, src, sport, dst, dport, win] = m as unknown as string[];
  const at = new Date(`${(time as string).replace(' ', 'T')}Z`);
  const uptime = ((at.getTime() - bootMs) / 1000).toFixed(6).padStart(12);
  const fields = `IN=${iface} OUT= MAC=${dstMac}:${srcMac}:08:00 SRC=${src} DST=${dst} LEN=${Number(frame) - 14} TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=${sport} DPT=${dport} WINDOW=${win} RES=0x00 SYN URGP=0`;
  return { at, message: `[${uptime}] [netfilter] ${fields}` };
}

/** When the kernel booted, from /proc/uptime. */
export function bootTime(): number {
  return Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

/** The programs the lab runs, found before anything is created. */
interface Tools {
  sshd: string;
  ssh: string;
  keygen: string;
  unshare: string;
  tcpdump: string;
}

/** The lab's files: the accounts, sshd_config, a host key, the askpass helper, and /dev's mount point. */
async function prepareFiles(lab: string, hostname: string, listen: string, extra: readonly string[], tools: Tools): Promise<void> {
  chmodSync(lab, 0o755); // the test user's home is inside
  mkdirSync(join(lab, 'dev'));
  writeAccounts(lab);
  writeFileSync(join(lab, 'sshd_config'), sshdConfig(lab, listen, extra));
  writeFileSync(join(lab, 'askpass'), ASKPASS, { mode: 0o755 });
  const keygen = await run(tools.keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', hostname, '-f', join(lab, 'ssh_host_ed25519_key')]);
  if (keygen.code !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
}

/** Starts sshd in its own mount namespace inside `pair.b`; resolves once it logged that it listens. */
async function startSshd(pair: NetnsPair, lab: string, tools: Tools, syslog: SyslogSocket): Promise<void> {
  const sshd = pair.start(pair.b, [tools.unshare, '--mount', 'sh', '-c', SSHD_NAMESPACE, 'sh', lab, tools.sshd], { env: { ...process.env, PATH: SBIN_PATH, TZ: 'UTC' } });
  let errors = '';
  sshd.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  sshd.once('close', (code) => (errors += `\n(sshd exited: ${code})`));
  await syslog.waitFor(/sshd\[\d+\]: Server listening on /, 10_000).catch((error: Error) => {
    throw new Error(`sshd did not start: ${errors.trim() || error.message}`);
  });
}

/** Captures every SYN to port 22 in `pair.b`; returns what tcpdump printed so far, on demand. */
async function captureSyns(pair: NetnsPair, tools: Tools): Promise<() => string> {
  const argv = [tools.tcpdump, '-e', '-n', '-tttt', '-l', '--immediate-mode', '-Z', 'root', '-i', pair.b.iface, 'tcp[13] == 2 and tcp dst port 22'];
  const capture = pair.start(pair.b, argv, { env: { ...process.env, TZ: 'UTC' } });
  let captured = '';
  capture.stdout?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  await waitForOutput(capture, 'stderr', /listening on /, 'tcpdump', 10_000);
  return () => captured;
}

/** Runs `argv` in the client namespace to its end; a failure names `what` and what it printed. */
async function client(pair: NetnsPair, argv: string[], what: string, accept: (code: number, stdout: string) => boolean, env?: NodeJS.ProcessEnv): Promise<number> {
  const { code, stdout, stderr } = await finished(pair.start(pair.a, argv, env === undefined ? {} : { env }));
  if (!accept(code, stdout)) throw new Error(`${what} failed (exit ${code}): ${stderr.trim()}`);
  return code;
}

/** {@link SshdLab.ssh}: OpenSSH's client, prompts answered in turn by the askpass helper. */
async function sshLogin(pair: NetnsPair, lab: string, tools: Tools, login: SshLogin, dir: string): Promise<SshLoginResult> {
  mkdirSync(dir);
  writeFileSync(join(dir, 'answers'), login.answers.map((a) => `${a}\n`).join(''));
  const option = (o: string) => ['-o', o];
  const argv = [tools.ssh, '-F', '/dev/null', '-b', login.from, ...['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'GlobalKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'PubkeyAuthentication=no',
    `PreferredAuthentications=${login.method}`, `NumberOfPasswordPrompts=${login.answers.length}`, 'ConnectTimeout=10'].flatMap(option), `${login.user}@${pair.b.address}`, 'true'];
  const env = { ...process.env, SSH_ASKPASS: join(lab, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', VIGIL_ASKPASS_DIR: dir, DISPLAY: '' };
  // 0: logged in and ran `true`; 255: ssh gave up (authentication failed, or sshd ended the connection)
  const code = await client(pair, argv, 'ssh', (c) => c === 0 || c === 255, env);
  const prompts = existsSync(join(dir, 'prompts')) ? readFileSync(join(dir, 'prompts'), 'utf8').split('\n').filter((p) => p !== '') : [];
  return { authenticated: code === 0, prompts };
}

/**
 * Starts an {@link SshdLab}. Needs root, `ip`, `unshare`, `tcpdump`, and Debian's openssh-server and
 * openssh-client (scripts/test installs them); fails naming what is missing.
 */
export async function createSshdLab(options: SshdLabOptions = {}): Promise<SshdLab> {
  const hostname = options.hostname ?? 'bastion-1';
  const tools: Tools = { sshd: findTool('sshd'), ssh: findTool('ssh'), keygen: findTool('ssh-keygen'), unshare: findTool('unshare'), tcpdump: findTool('tcpdump') };
  const probeClient = join(repoRoot(), 'packages', 'testkit', 'src', 'netns', 'ssh-probe.ts');
  const pair = await createNetnsPair({ secondary: { a: Math.max(0, (options.clients ?? 3) - 1) } });
  const lab = mkdtempSync(join(tmpdir(), 'vigil-sshd-'));
  let syslog: SyslogSocket | undefined;
  const destroy = async () => {
    await pair.destroy();
    await syslog?.close();
    rmSync(lab, { recursive: true, force: true });
  };
  try {
    await prepareFiles(lab, hostname, pair.b.address, options.sshdConfig ?? [], tools);
    const version = (await run(tools.sshd, ['-V'])).stderr.trim().split('\n')[0] ?? '';
    const path = join(lab, 'log.sock');
    const log = (syslog = await (options.syslog?.({ path, hostname, pair, dir: lab }) ?? startSyslogSocket(path, hostname)));
    await startSshd(pair, lab, tools, log);
    const boot = bootTime();
    const syns = await captureSyns(pair, tools);
    const settled = () => log.settled(700, 15_000);
    let logins = 0;
    return {
      hostname,
      pair,
      syslog: log,
      server: pair.b.address,
      clients: [pair.a.address, ...pair.a.secondary],
      user: { name: USER.name, password: USER.password },
      version,
      ssh: (login) => sshLogin(pair, lab, tools, login, join(lab, `login-${++logins}`)),
      probe: async (from, user) => {
        await client(pair, [process.execPath, probeClient, pair.b.address, '22', user, from], 'the enumeration probe', (c, out) => c === 0 && out.trim() === 'closed');
      },
      connect: async (from) => {
        await client(pair, [process.execPath, '-e', PLAIN_CONNECT, pair.b.address, from], 'the TCP connection', (c) => c === 0);
      },
      authLog: settled,
      firewallLog: async () => {
        await settled();
        return syns().split('\n').flatMap((line) => firewallLogLine(line, hostname, pair.b.iface, boot) ?? []);
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
