import { newCounters, type IngestCounters } from '../../sink.ts';
import { newConnectionCounters, type ConnectionCounters } from '../network/counters.ts';
import type { RecordTarget } from '../file/tail.ts';
import { TcpRecordServer, type StreamDecoder } from '../network/tcp-server.ts';
import { SyslogFrameDecoder } from './framing.ts';

/** Options of {@link SyslogTcpInput}. */
export interface SyslogTcpOptions {
  /** The input's name (the `ingest/*.yaml` file it came from), for logs and metrics. */
  name: string;
  /**
   * Where messages go, one record per syslog message; {@link RecordSink} is one. No parser option:
   * RFC 6587 framing already delimits records (an octet-counted message keeps its newlines).
   */
  target: RecordTarget;
  /** Address to listen on (`127.0.0.1`, `0.0.0.0`, `::`). */
  host: string;
  /** TCP port to listen on; 0 picks a free one (read it from `port` after `start`). */
  port: number;
  /**
   * Connections open at once; more are refused (closed at once, counted in `refusedConnections`).
   * Bounds memory: each connection holds at most one chunk and one partial message (≤ 64 KiB + 1).
   * Default 1024.
   */
  maxConnections?: number;
  /** Where messages received are counted as `linesIn` (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
  /** Reports connection errors and refused connections, one line each. */
  log?: (line: string) => void;
}

/**
 * Syslog over TCP (RFC 6587): octet-counted and newline/NUL-terminated framing, detected per message,
 * so rsyslog (`@@host:port`, either framing), syslog-ng and OSSEC can all send here. Each connection
 * is read only while its previous records are taken by the target: when Elasticsearch is slow, TCP
 * slows the senders instead of memory filling up. A connection closed mid-message still delivers the
 * part that arrived. Ids are random: syslog has no identity that a resend would repeat.
 */
export class SyslogTcpInput {
  readonly counters: ConnectionCounters = newConnectionCounters();
  readonly #server: TcpRecordServer;

  constructor(options: SyslogTcpOptions) {
    const lines = options.counters ?? newCounters();
    this.#server = new TcpRecordServer({
      name: options.name,
      target: options.target,
      host: options.host,
      port: options.port,
      maxConnections: options.maxConnections ?? 1024,
      counters: this.counters,
      decoder: () => countingDecoder(lines),
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

  /** Stops accepting, closes connections, and resolves when every message read reached the target. */
  stop(): Promise<void> {
    return this.#server.stop();
  }
}

/** A syslog decoder that counts each message as a line read. */
function countingDecoder(lines: IngestCounters): StreamDecoder {
  const decoder = new SyslogFrameDecoder();
  const count = (messages: string[]) => {
    lines.linesIn += messages.length;
    return messages;
  };
  return { push: (chunk) => count(decoder.push(chunk)), end: () => count(decoder.end()) };
}
