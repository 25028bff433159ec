import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { VigilError } from '@vigil/core/errors';
import type { RecordTarget } from '../file/tail.ts';
import type { ConnectionCounters } from './counters.ts';
import { SerialQueue } from './serial.ts';

/** Turns the bytes of one connection into records (texts); one per connection, stateful. */
export interface StreamDecoder {
  /** Feeds a chunk; returns the records it completed. */
  push(chunk: Buffer): string[];
  /** The connection closed: whatever is left (a partial message is still a message). */
  end(): string[];
  /** Records to stop waiting for because the stream went quiet (multi-line framers). */
  idle?(): string[];
}

/** How a TLS server treats client certificates; see `tls.client_auth` in the ingest config. */
export type ClientAuthMode = 'required' | 'optional' | 'none';

/** The TLS files of an input, as written in its `tls:` (paths). */
export interface TlsFiles {
  cert: string;
  key: string;
  ca?: string | undefined;
  client_auth: ClientAuthMode;
}

/** TLS material read from {@link TlsFiles}: PEM texts, checked to load. */
export interface TlsServerSettings {
  cert: string;
  key: string;
  ca?: string;
  clientAuth: ClientAuthMode;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new VigilError('FILE_UNREADABLE', `cannot read the TLS ${what}: ${reason}`, { cause, location: { file } });
  }
}

function checkPem(file: string, what: string, load: () => unknown): void {
  try {
    load();
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `not a PEM ${what}: ${(cause as Error).message}`, { cause, location: { file } });
  }
}

/**
 * Reads and checks an input's TLS files (when it starts): each error names the file, so an operator
 * sees `server.key: not a PEM private key` rather than an OpenSSL stack.
 */
export function readTlsFiles(files: TlsFiles): TlsServerSettings {
  const cert = readPem(files.cert, 'certificate');
  const key = readPem(files.key, 'private key');
  const ca = files.ca === undefined ? undefined : readPem(files.ca, 'CA certificate');
  checkPem(files.cert, 'certificate', () => new X509Certificate(cert));
  checkPem(files.key, 'private key', () => createPrivateKey(key));
  if (ca !== undefined && files.ca !== undefined) checkPem(files.ca, 'CA certificate', () => new X509Certificate(ca));
  try {
    createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `the TLS key ${files.key} does not go with this certificate: ${(cause as Error).message}`, { cause, location: { file: files.cert } });
  }
  return { cert, key, clientAuth: files.client_auth, ...(ca === undefined ? {} : { ca }) };
}

/**
 * Why a TLS client is refused, or undefined when it may send: `required` wants a certificate that
 * verifies against `ca`; `optional` takes none, but not one that fails to verify.
 */
function clientCertificateRefusal(socket: TLSSocket, mode: ClientAuthMode): string | undefined {
  if (socket.authorized) return undefined;
  const presented = Object.keys(socket.getPeerCertificate()).length > 0;
  if (!presented) return mode === 'required' ? 'no client certificate (client_auth: required)' : undefined;
  return `client certificate not accepted: ${String(socket.authorizationError)}`;
}

/** What the OS said when a listen failed, in words (the code stays in the message for scripts). */
const BIND_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (another process listens on it)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not on any interface of this host',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
};

/** A failed listen as one clear error naming the input and the address. */
export function listenError(name: string, host: string, port: number, cause: unknown): VigilError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code === undefined ? undefined : BIND_REASONS[code]) ?? (cause as Error).message;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new VigilError('SERVICE_REJECTED', `input ${name}: cannot listen on ${address}: ${reason}${code === undefined ? '' : ` (${code})`}`, { cause });
}

/** Settings of a {@link TcpRecordServer}; each TCP input documents its own user-facing options. */
export interface TcpRecordServerOptions {
  name: string;
  target: RecordTarget;
  host: string;
  port: number;
  decoder: () => StreamDecoder;
  maxConnections: number;
  counters: ConnectionCounters;
  /** How often decoders are asked for idle records (ms); absent: never. */
  idleCheckMs?: number;
  /** Serve TLS (plaintext framed as without it); absent: plain TCP. */
  tls?: TlsServerSettings;
  log?: (line: string) => void;
}

interface Connection {
  socket: Socket;
  decoder: StreamDecoder;
  queue: SerialQueue;
  ended: boolean;
  done: Promise<void>;
}

/**
 * A TCP server whose connections each decode records and write them to the target one at a time,
 * in order, with the socket paused while its records are being written (the sender is slowed by TCP
 * itself, nothing piles up in memory). A connection that closes mid-record still delivers it.
 */
export class TcpRecordServer {
  readonly #o: TcpRecordServerOptions;
  readonly #connections = new Set<Connection>();
  #server: Server | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(options: TcpRecordServerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const server = this.#o.tls === undefined ? createServer((socket) => this.#accept(socket)) : this.#tlsServer(this.#o.tls);
    server.maxConnections = this.#o.maxConnections;
    server.on('drop', (peer) => this.#refuse(peer?.remoteAddress, `${this.#o.maxConnections} open`));
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => reject(listenError(this.#o.name, this.#o.host, this.#o.port, err));
      server.once('error', failed);
      server.listen(this.#o.port, this.#o.host, () => {
        server.off('error', failed);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    if (this.#o.idleCheckMs !== undefined) {
      this.#idleTimer = setInterval(() => this.#idle(), this.#o.idleCheckMs);
      this.#idleTimer.unref();
    }
  }

  /**
   * A TLS server: only connections whose handshake completed (and, with `client_auth`, whose client
   * certificate verified against `ca`) are read. A refused client is counted in `refusedConnections`
   * and `errors`, and logged once; no byte it sent reaches a decoder.
   */
  #tlsServer(tls: TlsServerSettings): Server {
    const verify = tls.clientAuth !== 'none';
    const server = createTlsServer(
      {
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        requestCert: verify,
        // checked below, once per connection with a reason: Node's own rejection reports a bad
        // certificate only as "socket hang up", with no peer address
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        handshakeTimeout: 10_000,
      },
      (socket) => {
        const refusal = verify ? clientCertificateRefusal(socket, tls.clientAuth) : undefined;
        if (refusal !== undefined) {
          this.#refuse(socket.remoteAddress, refusal);
          socket.destroy();
          return;
        }
        this.#accept(socket);
      },
    );
    server.on('tlsClientError', (err: Error & { reason?: string }, socket: TLSSocket) => {
      // OpenSSL's message carries its source file and line: its reason is what an operator needs
      this.#refuse(socket.remoteAddress, `TLS handshake failed: ${err.reason ?? err.message.split('\n', 1)[0]}`);
      socket.destroy();
    });
    return server;
  }

  #refuse(peer: string | undefined, reason: string): void {
    this.#o.counters.refusedConnections += 1;
    this.#o.counters.errors += 1;
    this.#o.log?.(`${this.#o.name}: refused a connection from ${peer ?? '?'}: ${reason}`);
  }

  /**
   * Stops accepting, closes open connections after decoding what Node already read from them (bytes
   * still in the kernel are not read), and resolves when every record read has reached the target.
   */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    clearInterval(this.#idleTimer);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...this.#connections];
    for (const conn of open) {
      while (conn.socket.read() !== null); // emits 'data' for what is buffered
      conn.socket.destroy();
    }
    await Promise.all(open.map((conn) => conn.done));
    await closed;
  }

  #accept(socket: Socket): void {
    const c = this.#o.counters;
    c.connections += 1;
    c.openConnections += 1;
    socket.setKeepAlive(true, 60_000);
    const queue = new SerialQueue({
      pause: () => {
        socket.pause();
        c.pausedConnections += 1;
      },
      resume: () => {
        c.pausedConnections -= 1;
        socket.resume();
      },
    });
    const { promise: done, resolve } = Promise.withResolvers<void>();
    const conn: Connection = { socket, decoder: this.#o.decoder(), queue, ended: false, done };
    this.#connections.add(conn);
    socket.on('data', (chunk: Buffer) => {
      c.bytes += chunk.length;
      this.#enqueue(conn, conn.decoder.push(chunk));
    });
    socket.on('error', (err) => {
      c.errors += 1;
      this.#o.log?.(`${this.#o.name}: connection from ${socket.remoteAddress ?? '?'}: ${err.message}`);
    });
    const finish = () => {
      if (conn.ended) return;
      conn.ended = true;
      this.#enqueue(conn, conn.decoder.end());
      void queue.idle().then(() => {
        c.openConnections -= 1;
        this.#connections.delete(conn);
        resolve();
      });
    };
    socket.on('end', finish);
    socket.on('close', finish);
  }

  #enqueue(conn: Connection, texts: string[]): void {
    if (texts.length === 0) return;
    this.#o.counters.backlog += texts.length;
    void conn.queue.push(() => this.#deliver(texts));
  }

  async #deliver(texts: string[]): Promise<void> {
    for (const text of texts) {
      try {
        await this.#o.target.write(text, randomUUID(), {});
      } catch (err) {
        this.#o.counters.errors += 1;
        this.#o.log?.(`${this.#o.name}: record not taken: ${(err as Error).message}`);
      } finally {
        this.#o.counters.backlog -= 1;
      }
    }
  }

  #idle(): void {
    for (const conn of this.#connections) if (!conn.ended) this.#enqueue(conn, conn.decoder.idle?.() ?? []);
  }
}
