import type { ChildProcess } from 'node:child_process';
import { createNetnsPair, waitForExit, type NetnsPair } from './pair.ts';
import { findTool } from './tools.ts';

/** Options of {@link capturePortScan}. */
export interface PortScanOptions {
  /** nmap's `-p` argument (default `1-500`, as in seed 001). */
  ports?: string;
  /** Ports a TCP server listens on in the target namespace, so the scan finds some open (default 22 and 80). */
  openPorts?: number[];
  /** The ordinary client connects this many times to each open port (default 3). */
  clientRounds?: number;
  /** Upper bound for the whole capture, setup and teardown included (ms, default 60 000). */
  timeoutMs?: number;
}

/** What {@link capturePortScan} captured, and from where. */
export interface PortScanCapture {
  /** tcpdump's `-n -tttt` lines (UTC), one per SYN packet, in capture order. */
  lines: string[];
  /** The scanning address (the scanner namespace's primary address). */
  scanner: string;
  /** The scanned address. */
  target: string;
  /** The ordinary client's address (a second address in the scanner namespace). */
  client: string;
  /** Ports with a listener on the target. */
  openPorts: number[];
  /** Ports nmap reported open (its own view, for a sanity check). */
  nmapOpenPorts: number[];
  nmapOutput: string;
  /** Connections the ordinary client completed. */
  clientConnections: number;
  /** tcpdump's own counters, printed when it stops. */
  packetsCaptured: number;
  packetsDroppedByKernel: number;
  /** When tcpdump was capturing, and when it was stopped (real time). */
  captureStartedAt: Date;
  captureStoppedAt: Date;
  /** The whole helper, namespaces created and removed included (ms). */
  durationMs: number;
}

// A TCP server per port on the target address: answers and closes each connection.
const LISTENER = `
const net = require('node:net');
const { host, ports } = JSON.parse(process.argv[1]);
let ready = 0;
for (const port of ports) {
  const server = net.createServer((s) => { s.on('error', () => {}); s.end('vigil-test\\n'); });
  server.on('error', (e) => { console.error(String(e)); process.exit(1); });
  server.listen(port, host, () => { if (++ready === ports.length) console.log('ready'); });
}
process.on('SIGTERM', () => process.exit(0));
`;

// An ordinary client: one connection at a time from its own address, each read to its end.
const CLIENT = `
const net = require('node:net');
const { host, ports, localAddress, rounds } = JSON.parse(process.argv[1]);
const once = (port) => new Promise((resolve, reject) => {
  const s = net.connect({ host, port, localAddress }, () => s.write('hello\\n'));
  s.on('error', reject);
  s.on('data', () => {});
  s.on('close', (hadError) => (hadError ? reject(new Error('closed with error')) : resolve()));
});
(async () => {
  let done = 0;
  for (let r = 0; r < rounds; r++) for (const port of ports) { await once(port); done++; }
  console.log(done);
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/** Resolves when `child`'s `stream` has printed text matching `pattern`; rejects if it exits or times out first. */
export function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let other = '';
    const source = child[stream];
    const otherSource = stream === 'stdout' ? child.stderr : child.stdout;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      source?.off('data', onData);
      otherSource?.off('data', onOther);
      child.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) finish();
    };
    const onOther = (chunk: Buffer) => {
      other += chunk.toString();
    };
    const onClose = (code: number | null) => finish(new Error(`${what} exited (${code}) before it was ready: ${(seen + other).trim()}`));
    const timer = setTimeout(() => finish(new Error(`${what} not ready after ${timeoutMs} ms: ${(seen + other).trim()}`)), timeoutMs);
    source?.on('data', onData);
    otherSource?.on('data', onOther);
    child.once('close', onClose);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real port scan, captured the way seed 001 captures it, as test data: two fresh network namespaces
 * joined by a veth pair (see {@link createNetnsPair}); TCP servers on `openPorts` in the target;
 * `tcpdump -n -tttt -l -i <veth> 'tcp[13] == 2'` capturing there (TZ=UTC); `nmap -sT -p<ports> -T4 -n -Pn`
 * (a connect scan, no raw sockets) from the scanner's address; then a few ordinary connections to the
 * open ports from a second address. Returns tcpdump's lines and the addresses. The namespaces and every
 * process it started are removed on success and failure alike. Needs root, `ip`, `nmap` and `tcpdump`.
 */
export async function capturePortScan(options: PortScanOptions = {}): Promise<PortScanCapture> {
  const started = Date.now();
  const ports = options.ports ?? '1-500';
  const openPorts = options.openPorts ?? [22, 80];
  const rounds = options.clientRounds ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const nmap = findTool('nmap');
  const tcpdump = findTool('tcpdump');
  const node = process.execPath;

  const pair: NetnsPair = await createNetnsPair({ secondary: { a: 1 } });
  const scanner = pair.a.address;
  const client = pair.a.secondary[0] as string;
  const target = pair.b.address;
  try {
    const listener = pair.start(pair.b, [node, '-e', LISTENER, JSON.stringify({ host: target, ports: openPorts })]);
    await waitForOutput(listener, 'stdout', /^ready$/m, 'the target listener', 10_000);

    // -l and --immediate-mode: each packet is printed as it arrives; -B/-s: room for a 500-SYN burst in
    // a few milliseconds (the default buffer drops some); -Z root: no privilege drop inside the namespace.
    const capture = pair.start(pair.b, [tcpdump, '-n', '-tttt', '-l', '--immediate-mode', '-B', '8192', '-s', '128', '-Z', 'root', '-i', pair.b.iface, 'tcp[13] == 2'], {
      env: { ...process.env, TZ: 'UTC' },
    });
    let out = '';
    let err = '';
    capture.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    capture.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitForOutput(capture, 'stderr', /listening on /, 'tcpdump', 10_000);
    const captureStartedAt = new Date();

    const deadline = started + timeoutMs;
    const left = () => Math.max(1_000, deadline - Date.now());
    const scan = await pair.run(pair.a, [nmap, '-sT', `-p${ports}`, '-T4', '-n', '-Pn', target], { timeoutMs: left() });
    const nmapOpenPorts = [...scan.stdout.matchAll(/^(\d+)\/tcp\s+open\b/gm)].map((m) => Number(m[1]));
    const clients = await pair.run(pair.a, [node, '-e', CLIENT, JSON.stringify({ host: target, ports: openPorts, localAddress: client, rounds })], { timeoutMs: left() });
    const clientConnections = Number(clients.stdout.trim());

    // Stop once nothing new has been printed for 500 ms: every packet sent has been captured by then.
    let length = -1;
    while (out.length !== length && Date.now() < deadline) {
      length = out.length;
      await sleep(500);
    }
    capture.kill('SIGINT');
    await waitForExit(capture, 5_000);
    const captureStoppedAt = new Date();
    const stat = (name: string) => Number(new RegExp(`(\\d+) packets? ${name}`).exec(err)?.[1] ?? NaN);

    return {
      // tcpdump ends with an empty line when interrupted
      lines: out.split('\n').filter((l) => l.trim() !== ''),
      scanner,
      target,
      client,
      openPorts,
      nmapOpenPorts,
      nmapOutput: scan.stdout,
      clientConnections,
      packetsCaptured: stat('captured'),
      packetsDroppedByKernel: stat('dropped by kernel'),
      captureStartedAt,
      captureStoppedAt,
      durationMs: Date.now() - started,
    };
  } finally {
    await pair.destroy();
  }
}
