import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A syslog daemon for one test: listens on a Unix socket (bind-mounted over `/dev/log` where the
 * programs under test run) and keeps every message as rsyslog's default file format on Debian
 * (`RSYSLOG_TraditionalFileFormat`) writes it to auth.log: `Mmm dd HH:MM:SS <host> <tag>: <message>`.
 */
export interface SyslogSocket {
  /** The socket's path. */
  readonly path: string;
  /** Every line received so far, in arrival order. */
  lines(): string[];
  /** Resolves once a line matches `pattern`, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves once no line has arrived for `quietMs` (at most `timeoutMs`), with every line so far. */
  settled(quietMs: number, timeoutMs: number): Promise<string[]>;
  close(): Promise<void>;
}

// glibc's syslog(3) writes `<PRI>Mmm dd HH:MM:SS tag[pid]: message`; on a stream socket each ends with NUL
const GLIBC_RECORD = /^<\d{1,3}>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) ([\s\S]*)$/;

/** The auth.log line rsyslog writes for a glibc record, or the record as is if it has another shape. */
export function traditionalLine(record: string, hostname: string): string {
  const m = GLIBC_RECORD.exec(record);
  return m === null ? record : `${m[1]} ${hostname} ${m[2]}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a {@link SyslogSocket} at `path`, stamping lines with `hostname` as the receiving host would.
 * glibc connects with a datagram socket first and, finding a stream socket, uses that instead.
 */
export async function startSyslogSocket(path: string, hostname: string): Promise<SyslogSocket> {
  const received: string[] = [];
  let lastArrival = Date.now();
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let end = pending.indexOf('\0'); end !== -1; end = pending.indexOf('\0')) {
        received.push(traditionalLine(pending.slice(0, end).replace(/\n+$/, ''), hostname));
        pending = pending.slice(end + 1);
        lastArrival = Date.now();
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o666);

  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = received.find((line) => pattern.test(line));
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no syslog line matched ${pattern} within ${timeoutMs} ms; received:\n${received.join('\n')}`);
      await sleep(50);
    }
  };
  const settled = async (quietMs: number, timeoutMs: number): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - lastArrival < quietMs && Date.now() < deadline) await sleep(50);
    return [...received];
  };
  return {
    path,
    lines: () => [...received],
    waitFor,
    settled,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}
