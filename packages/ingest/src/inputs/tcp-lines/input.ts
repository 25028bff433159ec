import type { Clock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import { newCounters, type IngestCounters } from '../../sink.ts';
import { newConnectionCounters, type ConnectionCounters } from '../network/counters.ts';
import { LineRecords } from '../network/line-records.ts';
import type { RecordTarget } from '../file/tail.ts';
import { TcpRecordServer } from '../network/tcp-server.ts';

/** Options of {@link TcpLinesInput}. */
export interface TcpLinesOptions {
  /** The input's name (the `ingest/*.yaml` file it came from), for logs and metrics. */
  name: string;
  /** Parser of the records; its framer groups lines into records (one framer per connection). */
  parser: LogParser;
  /** Where records go; {@link RecordSink} is one. */
  target: RecordTarget;
  /** Address to listen on (`127.0.0.1`, `0.0.0.0`, `::`). */
  host: string;
  /** TCP port to listen on; 0 picks a free one (read it from `port` after `start`). */
  port: number;
  /** Source of "now" for the idle flush of multi-line records. */
  clock: Clock;
  /**
   * A multi-line record still open after this long without a new line on its connection is complete
   * (ms, measured on `clock`); the connection closing completes it at once. Default 2000.
   */
  framerIdleMs?: number;
  /** How often open connections are checked for such idle records (ms, a real timer). Default 250. */
  idleCheckMs?: number;
  /**
   * Connections open at once; more are refused (closed at once, counted in `refusedConnections`).
   * Bounds memory: each connection holds at most one chunk, one partial line (≤ 64 KiB + 1) and the
   * record its framer keeps open. Default 1024.
   */
  maxConnections?: number;
  /** Where lines read are counted as `linesIn` (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
  /** Reports connection errors and refused connections, one line each. */
  log?: (line: string) => void;
}

/**
 * Raw newline-delimited lines over TCP, as `tcpdump -n -tttt 'tcp[13] == 2' | nc host 5001` sends
 * them. Lines are bounded like a file's (LineSplitter) and grouped by the parser's framer, so
 * multi-line formats work over TCP too; a connection's last line and open record are delivered when
 * it closes. A connection is read only while the target keeps up (TCP slows the sender). Ids are
 * random: a raw stream has no identity that a resend would repeat.
 */
export class TcpLinesInput {
  readonly counters: ConnectionCounters = newConnectionCounters();
  readonly #server: TcpRecordServer;

  constructor(options: TcpLinesOptions) {
    const lines = options.counters ?? newCounters();
    const multiLine = options.parser.framer !== undefined;
    this.#server = new TcpRecordServer({
      name: options.name,
      target: options.target,
      host: options.host,
      port: options.port,
      maxConnections: options.maxConnections ?? 1024,
      counters: this.counters,
      decoder: () =>
        new LineRecords({ parser: options.parser, clock: options.clock, framerIdleMs: options.framerIdleMs ?? 2_000, onLine: () => (lines.linesIn += 1) }),
      ...(multiLine ? { idleCheckMs: options.idleCheckMs ?? 250 } : {}),
      ...(options.log === undefined ? {} : { log: options.log }),
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
