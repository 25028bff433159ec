import { newCounters, type IngestCounters } from '../../sink.ts';
import type { RecordTarget } from '../file/tail.ts';
import { newConnectionCounters, type ConnectionCounters } from './counters.ts';
import { TcpRecordServer, type StreamDecoder, type TlsServerSettings } from './tcp-server.ts';

/** What every TCP input takes, whatever its framing. */
export interface TcpInputOptions {
  /** The input's name (the `ingest/*.yaml` file it came from), for logs and metrics. */
  name: string;
  /** Where records go; {@link RecordSink} is one. */
  target: RecordTarget;
  /** Address to listen on (`127.0.0.1`, `0.0.0.0`, `::`). */
  host: string;
  /** TCP port to listen on; 0 picks a free one (read it from `port` after `start`). */
  port: number;
  /**
   * Connections open at once; more are refused (closed at once, counted in `refusedConnections`).
   * Bounds memory: each connection holds at most one chunk, one partial record (≤ 64 KiB + 1) and
   * what its decoder keeps open. Default 1024.
   */
  maxConnections?: number;
  /** Where records read are counted as `linesIn` (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
  /** Reports connection errors and refused connections, one line each. */
  log?: (line: string) => void;
  /**
   * Serve TLS: the stream inside is framed as over plain TCP (RFC 5425 for syslog). With a client
   * auth mode other than `none`, a client whose certificate does not verify against `ca` is refused
   * (`refusedConnections`, one log line) and nothing it sent is read. Absent: plain TCP.
   */
  tls?: TlsServerSettings;
}

/**
 * A TCP input: a {@link TcpRecordServer} and the decoder each connection gets. The framing is all
 * that tells TCP inputs apart, so each one is this class and its decoder.
 */
export class TcpInput {
  readonly counters: ConnectionCounters = newConnectionCounters();
  readonly #server: TcpRecordServer;

  /** `decoder` gets the counters that records read are counted in; `idleCheckMs` as the server's. */
  constructor(options: TcpInputOptions, decoder: (lines: IngestCounters) => StreamDecoder, idleCheckMs?: number) {
    const lines = options.counters ?? newCounters();
    this.#server = new TcpRecordServer({
      name: options.name,
      target: options.target,
      host: options.host,
      port: options.port,
      maxConnections: options.maxConnections ?? 1024,
      counters: this.counters,
      decoder: () => decoder(lines),
      ...(idleCheckMs === undefined ? {} : { idleCheckMs }),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  }

  /** The bound port (after `start`). */
  get port(): number {
    return this.#server.port;
  }

  /** Resolves when listening. */
  start(): Promise<void> {
    return this.#server.start();
  }

  /** Stops accepting, closes connections, and resolves when every record read reached the target. */
  stop(): Promise<void> {
    return this.#server.stop();
  }
}
