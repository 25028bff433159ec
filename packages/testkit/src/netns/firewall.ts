// A two-namespace firewall lab for block tests (the responder's, and the end-to-end block_ip test).
import type { ChildProcess } from 'node:child_process';
import { createNetnsPair, type NetnsPair } from './pair.ts';
import { findTool } from './tools.ts';

/** The Debian package of each firewall tool the responder's backends run. */
const PACKAGES: Record<string, string> = {
  ip: 'iproute2', ipset: 'ipset', iptables: 'iptables', ip6tables: 'iptables', nft: 'nftables', tcpdmatch: 'tcpd',
  nmap: 'nmap', tcpdump: 'tcpdump', sshd: 'openssh-server', ssh: 'openssh-client', rsyslogd: 'rsyslog', sshpass: 'sshpass', logger: 'bsdutils',
};

/**
 * Fails (never skips) naming every missing tool and the packages that provide them: scripts/test
 * installs them as root (scripts/lib/common.sh ensure_test_tools).
 */
export function requireTools(names: readonly string[]): void {
  const missing = names.filter((name) => {
    try {
      findTool(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((m) => PACKAGES[m] ?? m))].join(' ');
    throw new Error(`missing ${missing.join(', ')}: these tests run the real firewall tools; install them as root with 'apt-get install -y ${packages}' (scripts/test does)`);
  }
}

/** PATH with the sbin folders, where Debian puts the firewall tools. */
export const SBIN_PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

// A TCP server on the given address and port that answers and closes each connection.
const LISTENER = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const server = net.createServer((s) => { s.on('error', () => {}); s.end('vigil-test\\n'); });
server.on('error', (e) => { console.error(String(e)); process.exit(1); });
server.listen(Number(port), host, () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
`;

// One connection attempt: prints open (connected), refused, or timeout (no answer: dropped).
const PROBE = `
const net = require('node:net');
const [host, port, timeout, localAddress] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port), ...(localAddress ? { localAddress } : {}) });
const done = (what) => { console.log(what); process.exit(0); };
setTimeout(() => done('timeout'), Number(timeout));
s.on('connect', () => done('open'));
s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));
`;

/** Two namespaces ("attacker" = a, "server" = b) and a TCP listener in the server's. */
export interface FirewallLab {
  pair: NetnsPair;
  port: number;
  /** A connection attempt from the attacker (from `from`, default its primary address) to the listener. */
  probe(from?: string, timeoutMs?: number): Promise<'open' | 'timeout' | 'refused' | string>;
  /** Runs a command in the server's namespace (the backend's firewall), e.g. to wipe it like a reboot. */
  server(argv: string[]): Promise<string>;
  destroy(): Promise<void>;
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`listener not ready after ${timeoutMs} ms: ${out}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`listener exited (${code}): ${out}`));
    });
  });
}

export async function createFirewallLab(options: { secondary?: number } = {}): Promise<FirewallLab> {
  const pair = await createNetnsPair({ secondary: { a: options.secondary ?? 0 } });
  const port = 8022;
  try {
    const listener = pair.start(pair.b, [process.execPath, '-e', LISTENER, pair.b.address, String(port)]);
    await waitForLine(listener, 'ready', 10_000);
  } catch (error) {
    await pair.destroy();
    throw error;
  }
  return {
    pair,
    port,
    probe: async (from, timeoutMs = 700) => {
      const argv = [process.execPath, '-e', PROBE, pair.b.address, String(port), String(timeoutMs), ...(from === undefined ? [] : [from])];
      return (await pair.run(pair.a, argv, { timeoutMs: timeoutMs + 5_000 })).stdout.trim();
    },
    server: async (argv) => (await pair.run(pair.b, argv, { env: { ...process.env, PATH: SBIN_PATH } })).stdout,
    destroy: () => pair.destroy(),
  };
}
