import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
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
    const server = createServer((socket) => this.#accept(socket));
    server.maxConnections = this.#o.maxConnections;
    server.on('drop', (peer) => {
      this.#o.counters.refusedConnections += 1;
      this.#o.counters.errors += 1;
      this.#o.log?.(`${this.#o.name}: refused a connection from ${peer?.remoteAddress ?? '?'}: ${this.#o.maxConnections} open`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#o.port, this.#o.host, () => {
        server.off('error', reject);
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
