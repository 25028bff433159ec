// A protected server and an attacker's host in two network namespaces, set up as seeds 000 and 001
// describe a monitored host: a real sshd with PAM whose syslog goes through a real rsyslogd into
// auth.log and kern.log, seed 000's iptables chain for new SSH connections (LOG rule, ipset drop rule),
// and seed 001's tcpdump of SYN packets, streamed into a TCP port. The attacks are real programs run
// from the client namespace: nmap, sshpass + ssh, plain TCP connections.
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { waitForOutput } from './capture.ts';
import { SBIN_PATH } from './firewall.ts';
import { waitForExit, type NetnsPair } from './pair.ts';
import { relayIntoNamespace, type Relay } from './relay.ts';
import { startRsyslog, type Rsyslog } from './rsyslog.ts';
import { bootTime, createSshdLab, finished, firewallLogMessage, type SshdLab } from './sshd.ts';
import { findTool } from './tools.ts';

/** Seed 000's names: the chain new SSH connections go through, its LOG prefix and the ban set. */
export const SEED000_FIREWALL = { chain: 'ssh', logPrefix: '[netfilter] ', set: 'ssh_ban', setTimeout: 600 } as const;

/** Options of {@link createAttackLab}. */
export interface AttackLabOptions {
  /** The server's host name, in every line rsyslog writes (default `bastion-1`). */
  hostname?: string;
  /**
   * The ban set's default entry timeout, `ipset create ssh_ban hash:ip timeout <n>` (default seed 000's
   * 600 s); the responder uses an existing set that takes timeouts as it is.
   */
  banSetTimeout?: number;
}

/** A login by `sshpass` + OpenSSH's `ssh`, one password attempt per connection. */
export interface PasswordLogin {
  /** The client address to connect from (`ssh -o BindAddress`). */
  from: string;
  user: string;
  password: string;
}

/** What {@link AttackLab.sshpass} saw. */
export interface PasswordLoginResult {
  /** Logged in and ran `true` on the server. */
  authenticated: boolean;
  /** sshd refused the password (`Permission denied`), as opposed to a connection that failed. */
  denied: boolean;
  code: number;
  stderr: string;
}

/** Seed 001's capture streamed into a TCP port, as `tcpdump ... | nc localhost 5001`. */
export interface SynStream {
  /** What tcpdump printed so far, line by line, exactly as it was sent. */
  lines(): string[];
  /** Stops tcpdump (SIGINT: it flushes) and ends the TCP connection. */
  close(): Promise<void>;
}

/** The lab; see {@link createAttackLab}. */
export interface AttackLab {
  readonly hostname: string;
  readonly pair: NetnsPair;
  readonly sshd: SshdLab;
  /** The server's rsyslogd: `rsyslog.authLog` and `rsyslog.kernLog` are the files to tail. */
  readonly rsyslog: Rsyslog;
  /** The server's address (sshd on port 22). */
  readonly server: string;
  /** The server's interface, where tcpdump captures. */
  readonly iface: string;
  /** The attacker: the client namespace's primary address, the source nmap uses. */
  readonly attacker: string;
  /** The legitimate user's address: a second address of the client namespace. */
  readonly user: string;
  /** An account on the server, with its password. */
  readonly account: { readonly name: string; readonly password: string };
  /** Runs a firewall command (iptables, ipset) in the server's namespace; its stdout. */
  firewall(argv: string[]): Promise<string>;
  /** Packets seed 000's LOG rule has matched so far (its iptables counter). */
  loggedPackets(): Promise<number>;
  /** Starts seed 001's `tcpdump -n -tttt -l -i <iface> 'tcp[13] == 2'` on the server, piped into 127.0.0.1:`port`. */
  streamSyns(port: number): Promise<SynStream>;
  /** `nmap -sS -p<ports> -T4 -n -Pn <server>` from the attacker's address; the open ports it reports. */
  synScan(ports: string): Promise<{ openPorts: number[]; output: string }>;
  /** One password attempt over one connection (`sshpass -e ssh ... -o NumberOfPasswordPrompts=1`). */
  sshpass(login: PasswordLogin): Promise<PasswordLoginResult>;
  /** A TCP connection from `from` to the server's `port` (default 22): open, refused, or timeout (dropped). */
  connect(from: string, port?: number, timeoutMs?: number): Promise<'open' | 'refused' | 'timeout' | string>;
  /** Makes a service of the caller's loopback reachable at 127.0.0.1:`port` in the server's namespace. */
  relay(target: { host?: string; port: number }, port?: number): Promise<Relay>;
  /** Stops everything it started and removes the namespaces (and with them the firewall state) and files. */
  destroy(): Promise<void>;
}

// One connection attempt: prints open (connected), refused, or timeout (no answer: dropped).
const CONNECT = `
const net = require('node:net');
const [host, port, timeout, localAddress] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port), localAddress });
const done = (what) => { console.log(what); process.exit(0); };
setTimeout(() => done('timeout'), Number(timeout));
s.on('connect', () => done('open'));
s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));
`;


/** Seed 000's rules, in its order: the LOG rule first, the ban set's DROP rule second. */
async function seed000Firewall(firewall: AttackLab['firewall'], setTimeout: number): Promise<void> {
  const { chain, logPrefix, set } = SEED000_FIREWALL;
  await firewall(['iptables', '-N', chain]);
  await firewall(['iptables', '-I', chain, '1', '-j', 'LOG', '--log-prefix', logPrefix]);
  await firewall(['iptables', '-A', 'INPUT', '-p', 'TCP', '--dport', '22', '-m', 'state', '--state', 'NEW', '-j', chain]);
  await firewall(['ipset', 'create', set, 'hash:ip', 'timeout', String(setTimeout)]);
  await firewall(['iptables', '-I', chain, '2', '-m', 'set', '--match-set', set, 'src', '-j', 'DROP']);
}

/**
 * The kernel's LOG lines into kern.log: a SYN capture of what seed 000's rule logs (new TCP connections
 * to port 22 of the server), each turned into the line the kernel writes (sshd.ts firewallLogMessage)
 * and sent through rsyslog. The kernel itself does not log from a network namespace other than the
 * first (`nf_log_all_netns`, host-wide, stays as it is); the LOG rule's counter says how many lines it
 * would have written.
 */
async function feedKernelLog(pair: NetnsPair, rsyslog: Rsyslog, tcpdump: string): Promise<void> {
  const filter = `tcp[13] == 2 and tcp dst port 22 and dst host ${pair.b.address}`;
  const argv = [tcpdump, '-e', '-n', '-tttt', '-l', '--immediate-mode', '-Z', 'root', '-i', pair.b.iface, filter];
  const capture = pair.start(pair.b, argv, { env: { ...process.env, TZ: 'UTC' } });
  const boot = bootTime();
  let pending = '';
  capture.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const logged = firewallLogMessage(line, pair.b.iface, boot);
      if (logged !== undefined) rsyslog.kernel(logged.message);
    }
  });
  await waitForOutput(capture, 'stderr', /listening on /, 'tcpdump (kern.log)', 10_000);
}

/** Connects to 127.0.0.1:`port`, trying again while nothing listens yet (at most `timeoutMs`). */
async function connectLoopback(port: number, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`nothing accepts connections on 127.0.0.1:${port}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function streamSyns(pair: NetnsPair, tcpdump: string, port: number): Promise<SynStream> {
  const socket = await connectLoopback(port, 10_000);
  socket.on('error', () => undefined); // the stream's end is the test's business: lines() keeps what was sent
  // -B/-s: room for a burst of 1000 SYNs in a few milliseconds (the default buffer drops some)
  const argv = [tcpdump, '-n', '-tttt', '-l', '--immediate-mode', '-B', '8192', '-s', '128', '-Z', 'root', '-i', pair.b.iface, 'tcp[13] == 2'];
  const capture = pair.start(pair.b, argv, { env: { ...process.env, TZ: 'UTC' } });
  let text = '';
  capture.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  capture.stdout?.pipe(socket);
  try {
    await waitForOutput(capture, 'stderr', /listening on /, 'tcpdump (SYN stream)', 10_000);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return {
    lines: () => text.split('\n').filter((l) => l.trim() !== ''),
    close: async () => {
      if (capture.exitCode === null && capture.signalCode === null) capture.kill('SIGINT');
      await waitForExit(capture, 5_000);
      socket.end();
    },
  };
}

/**
 * Starts an {@link AttackLab}: {@link createSshdLab} with a real rsyslogd (rsyslog.ts) in the server's
 * namespace as its syslog, seed 000's firewall there, and the kernel's LOG lines fed into kern.log.
 * Needs root, Debian's openssh-server, openssh-client, rsyslog, iptables, ipset, tcpdump, nmap and
 * sshpass; fails naming what is missing.
 */
export async function createAttackLab(options: AttackLabOptions = {}): Promise<AttackLab> {
  const tools = { tcpdump: findTool('tcpdump'), nmap: findTool('nmap'), sshpass: findTool('sshpass'), ssh: findTool('ssh') };
  for (const tool of ['rsyslogd', 'logger', 'iptables', 'ipset']) findTool(tool);
  let rsyslog: Rsyslog | undefined;
  const sshd = await createSshdLab({
    clients: 2,
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
    syslog: async ({ path, hostname, pair, dir }) => {
      rsyslog = await startRsyslog({ dir, hostname, socket: path, start: (argv, o) => pair.start(pair.b, argv, o) });
      return rsyslog;
    },
  });
  const { pair } = sshd;
  const relays: Relay[] = [];
  const streams: SynStream[] = [];
  const destroy = async () => {
    for (const stream of streams) await stream.close().catch(() => undefined);
    for (const relay of relays) await relay.close().catch(() => undefined);
    await sshd.destroy();
  };
  const firewall = async (argv: string[]) => (await pair.run(pair.b, argv, { env: { ...process.env, PATH: SBIN_PATH } })).stdout;
  const run = (argv: string[], env?: NodeJS.ProcessEnv) => finished(pair.start(pair.a, argv, env === undefined ? {} : { env }));
  try {
    const log = rsyslog as Rsyslog;
    await seed000Firewall(firewall, options.banSetTimeout ?? SEED000_FIREWALL.setTimeout);
    await feedKernelLog(pair, log, tools.tcpdump);
    const [attacker, user] = sshd.clients as [string, string];
    return {
      hostname: sshd.hostname,
      pair,
      sshd,
      rsyslog: log,
      server: sshd.server,
      iface: pair.b.iface,
      attacker,
      user,
      account: sshd.user,
      firewall,
      loggedPackets: async () => {
        const listing = await firewall(['iptables', '-L', SEED000_FIREWALL.chain, '-v', '-x', '-n']);
        const rule = listing.split('\n').find((l) => /\bLOG\b/.test(l));
        if (rule === undefined) throw new Error(`no LOG rule in chain ${SEED000_FIREWALL.chain}:\n${listing}`);
        return Number(rule.trim().split(/\s+/)[0]);
      },
      streamSyns: async (port) => {
        const stream = await streamSyns(pair, tools.tcpdump, port);
        streams.push(stream);
        return stream;
      },
      synScan: async (ports) => {
        const { code, stdout, stderr } = await run([tools.nmap, '-sS', `-p${ports}`, '-T4', '-n', '-Pn', sshd.server]);
        if (code !== 0) throw new Error(`nmap failed (exit ${code}): ${stderr.trim()}`);
        return { openPorts: [...stdout.matchAll(/^(\d+)\/tcp\s+open\b/gm)].map((m) => Number(m[1])), output: stdout };
      },
      sshpass: async (login) => {
        const options = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'GlobalKnownHostsFile=/dev/null', 'LogLevel=ERROR',
          'PubkeyAuthentication=no', 'PreferredAuthentications=password', 'NumberOfPasswordPrompts=1', 'ConnectTimeout=10', `BindAddress=${login.from}`];
        const argv = [tools.sshpass, '-e', tools.ssh, '-F', '/dev/null', ...options.flatMap((o) => ['-o', o]), `${login.user}@${sshd.server}`, 'true'];
        // -e: the password from SSHPASS, not in the process list
        const { code, stderr } = await run(argv, { ...process.env, SSHPASS: login.password });
        return { authenticated: code === 0, denied: /Permission denied/.test(stderr), code, stderr };
      },
      connect: async (from, port = 22, timeoutMs = 2_000) => {
        const { stdout } = await run([process.execPath, '-e', CONNECT, sshd.server, String(port), String(timeoutMs), from]);
        return stdout.trim();
      },
      relay: async (target, port) => {
        const relay = await relayIntoNamespace(pair, pair.b, { target, dir: dirname(log.path), ...(port === undefined ? {} : { port }) });
        relays.push(relay);
        return relay;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
