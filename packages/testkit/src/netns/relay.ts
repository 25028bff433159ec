// A service on the test host's loopback (Redis, say) made reachable from inside a network namespace,
// whose own loopback is another: a program there connects to 127.0.0.1:<port> as it would on a host.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { waitForOutput } from './capture.ts';
import type { NetnsEnd, NetnsPair } from './pair.ts';

/** Options of {@link relayIntoNamespace}. */
export interface RelayOptions {
  /** The service, as the caller reaches it (default host 127.0.0.1). */
  target: { host?: string; port: number };
  /** The port on the namespace's 127.0.0.1 (default the target's). */
  port?: number;
  /** A folder of the caller's for the Unix socket between the two halves. */
  dir: string;
}

/** A running {@link relayIntoNamespace}. */
export interface Relay {
  /** Port on 127.0.0.1 inside the namespace. */
  readonly port: number;
  /** Stops both halves and closes every relayed connection. */
  close(): Promise<void>;
}

// The namespace's half: 127.0.0.1:<port> there, each connection piped to the Unix socket.
const INNER = `
const net = require('node:net');
const [port, path] = process.argv.slice(1);
const server = net.createServer((c) => {
  const u = net.connect(path);
  for (const s of [c, u]) s.on('error', () => { c.destroy(); u.destroy(); });
  c.pipe(u).pipe(c);
});
server.on('error', (e) => { console.error(String(e)); process.exit(1); });
server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
`;

function pipeBoth(a: Socket, b: Socket, sockets: Set<Socket>): void {
  for (const s of [a, b]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {
      a.destroy();
      b.destroy();
    });
  }
  a.pipe(b).pipe(a);
}

/**
 * Relays `127.0.0.1:<port>` inside `end`'s namespace to `target` in the caller's, through a Unix socket
 * in `dir`: a file-system socket is reachable from every network namespace, a loopback address only
 * from its own. The caller's half runs in this process; the namespace's half is a small node process
 * started with {@link NetnsPair.start} (stopped by `close`, or by the pair's `destroy`).
 */
export async function relayIntoNamespace(pair: NetnsPair, end: NetnsEnd, options: RelayOptions): Promise<Relay> {
  const path = join(options.dir, `relay-${options.target.port}.sock`);
  const port = options.port ?? options.target.port;
  const sockets = new Set<Socket>();
  const outer: Server = createServer((client) => pipeBoth(client, connect(options.target.port, options.target.host ?? '127.0.0.1'), sockets));
  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(path, () => resolve());
  });
  const closeOuter = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      outer.close(() => resolve());
    });
  const inner = pair.start(end, [process.execPath, '-e', INNER, String(port), path]);
  try {
    await waitForOutput(inner, 'stdout', /^ready$/m, `the relay to ${port} in ${end.namespace}`, 10_000);
  } catch (error) {
    inner.kill('SIGKILL');
    await closeOuter();
    throw error;
  }
  return {
    port,
    close: async () => {
      if (inner.exitCode === null && inner.signalCode === null) inner.kill('SIGTERM');
      await closeOuter();
    },
  };
}
