import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { newCounters, type IngestCounters } from '../../sink.ts';
import type { StreamCounters } from '../network/counters.ts';
import type { RecordTarget } from '../file/tail.ts';
import { Spill, type SpilledRecord } from './spill.ts';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/** Options of {@link SyslogUdpInput}. */
export interface SyslogUdpOptions {
  /** The input's name (the `ingest/*.yaml` file it came from), for logs, metrics and spill file names. */
  name: string;
  /** Where messages go, one record per message; {@link RecordSink} is one. */
  target: RecordTarget;
  /** Address to listen on (`127.0.0.1`, `0.0.0.0`, `::`; an IPv6 address binds a udp6 socket). */
  host: string;
  /** UDP port to listen on; 0 picks a free one (read it from `port` after `start`). */
  port: number;
  /**
   * Folder of the spill files (`<name>.<seq>.spill.ndjson`), created if missing. Keep it on a
   * persistent disk: files left there by a crash are sent first at the next start (a stop drains them).
   */
  spillDir: string;
  /** Messages queued in memory while the target is busy before new ones go to the spill. Default 10,000. */
  maxQueued?: number;
  /** Bytes of messages queued in memory before new ones go to the spill. Default 16 MiB. */
  maxQueuedBytes?: number;
  /** A spill file is closed, and the next one started, beyond this size (bytes). Default 64 MiB. */
  spillFileBytes?: number;
  /** Wait before a failed spill write is tried again (ms). Default 1000. */
  spillRetryMs?: number;
  /**
   * Kernel receive buffer asked for (bytes, SO_RCVBUF). Datagrams that arrive while it is full are
   * dropped by the kernel before Vigil sees them (UDP has no backpressure; see `netstat -su`
   * "receive buffer errors"). Linux caps it at `net.core.rmem_max`: raise that to get more. Default 8 MiB.
   */
  recvBufferSize?: number;
  /** Where messages received are counted as `linesIn` (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
  /** Reports socket errors and spill problems, one line each. */
  log?: (line: string) => void;
}

/** Counters of a {@link SyslogUdpInput}; `backlog` includes the messages waiting in the spill. */
export interface SyslogUdpCounters extends StreamCounters {
  /** Datagrams read from the socket (what the kernel delivered; its own drops are not seen). */
  datagrams: number;
  /** Messages written to the spill since start. */
  spilled: number;
}

/** A message waiting for the target; `ack` when it came from the spill. */
interface Queued {
  id: string;
  text: string;
  bytes: number;
  ack?: () => void;
}

/**
 * Syslog over UDP (RFC 5426, RFC 3164 relays, OSSEC `syslog_output`): one datagram is one record
 * (RFC 5426 §3.1: one message per datagram; an OSSEC alert keeps its newlines).
 * UDP cannot slow a sender, so nothing waits in the socket: while the target is busy, messages queue
 * in memory up to `maxQueued` / `maxQueuedBytes`, and beyond that are appended to spill files on disk,
 * read back in order when the target catches up. Order is kept: memory holds only messages older than
 * anything spilled. Ids are random UUIDs (kept in the spill, so a replay after a crash is recognised).
 *
 * Limits: the kernel drops datagrams before Vigil reads them when its receive buffer overflows (no
 * process can see those; size `recvBufferSize`); a crash loses the messages queued in memory; a full
 * disk keeps messages in memory (spill writes are retried, and reported).
 */
export class SyslogUdpInput {
  readonly counters: SyslogUdpCounters = { datagrams: 0, bytes: 0, errors: 0, backlog: 0, spilled: 0 };
  readonly #o: SyslogUdpOptions;
  readonly #lines: IngestCounters;
  readonly #spill: Spill;
  readonly #maxQueued: number;
  readonly #maxQueuedBytes: number;
  readonly #memory: Queued[] = [];
  #memoryHead = 0;
  #memoryBytes = 0;
  #socket: Socket | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopping = false;
  port = 0;

  constructor(options: SyslogUdpOptions) {
    this.#o = options;
    this.#lines = options.counters ?? newCounters();
    this.#maxQueued = options.maxQueued ?? 10_000;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
    this.#spill = new Spill({
      dir: options.spillDir,
      name: options.name,
      segmentBytes: options.spillFileBytes ?? 64 * 1024 * 1024,
      retryMs: options.spillRetryMs ?? 1_000,
      onError: (what, err) => this.#error(what, err),
    });
  }

  /** Adopts spill files left by a previous run (sent first), then resolves when bound. */
  async start(): Promise<void> {
    this.counters.backlog += await this.#spill.open();
    const socket = createSocket({ type: isIPv6(this.#o.host) ? 'udp6' : 'udp4', recvBufferSize: this.#o.recvBufferSize ?? 8 * 1024 * 1024 });
    socket.on('message', (datagram) => this.#receive(datagram));
    socket.on('error', (err) => this.#error('socket error', err));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.#o.port, this.#o.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.port = socket.address().port;
    this.#socket = socket;
    this.#loop = this.#drain();
  }

  /**
   * Stops receiving and delivers everything received, from memory and then from the spill, waiting
   * for the target if it is busy. Spill files are kept until the target acknowledged their messages,
   * so a crash instead of a stop replays them at the next start.
   */
  async stop(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.#stopping = true;
    this.#wakeUp();
    await this.#loop;
    await this.#spill.close();
  }

  #receive(datagram: Buffer): void {
    this.counters.datagrams += 1;
    this.counters.bytes += datagram.length;
    // the trailing LF / CRLF / NULs some senders add are framing, not message
    let end = datagram.length;
    while (end > 0 && (datagram[end - 1] === LF || datagram[end - 1] === CR || datagram[end - 1] === NUL)) end -= 1;
    if (end === 0) return; // an empty datagram carries nothing
    const text = datagram.toString('utf8', 0, end);
    this.#lines.linesIn += 1;
    this.counters.backlog += 1;
    const id = randomUUID();
    // once anything is spilled, newer messages follow it to disk: order is kept
    if (this.#spill.hasData || this.#memoryFull(end)) {
      this.#spill.append(id, text);
      this.counters.spilled += 1;
    } else {
      this.#memory.push({ id, text, bytes: end });
      this.#memoryBytes += end;
    }
    this.#wakeUp();
  }

  #memoryFull(bytes: number): boolean {
    const queued = this.#memory.length - this.#memoryHead;
    return queued >= this.#maxQueued || (queued > 0 && this.#memoryBytes + bytes > this.#maxQueuedBytes);
  }

  /** The one writer: memory first, then the spill, in order; waits when both are empty. */
  async #drain(): Promise<void> {
    for (;;) {
      const next = this.#shift() ?? (await this.#refill());
      if (next !== undefined) {
        await this.#deliver(next);
        continue;
      }
      if (this.#memory.length > this.#memoryHead || this.#spill.hasData) continue;
      if (this.#stopping) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #shift(): Queued | undefined {
    if (this.#memoryHead === this.#memory.length) return undefined;
    const next = this.#memory[this.#memoryHead] as Queued;
    this.#memoryHead += 1;
    this.#memoryBytes -= next.bytes;
    if (this.#memoryHead === this.#memory.length || this.#memoryHead >= 1024) {
      this.#memory.splice(0, this.#memoryHead);
      this.#memoryHead = 0;
    }
    return next;
  }

  /** Memory is empty: the oldest spilled messages move into it (all older than anything still spilled). */
  async #refill(): Promise<Queued | undefined> {
    if (!this.#spill.hasData) return undefined;
    let records: SpilledRecord[];
    try {
      records = await this.#spill.read(this.#maxQueued);
    } catch (err) {
      this.#error(`spill read failed; retrying in ${this.#o.spillRetryMs ?? 1_000} ms`, err);
      await new Promise((resolve) => setTimeout(resolve, this.#o.spillRetryMs ?? 1_000));
      return undefined;
    }
    for (const record of records) {
      const bytes = Buffer.byteLength(record.text, 'utf8');
      this.#memory.push({ ...record, bytes });
      this.#memoryBytes += bytes;
    }
    return this.#shift();
  }

  async #deliver(message: Queued): Promise<void> {
    try {
      await this.#o.target.write(message.text, message.id, {}, message.ack);
    } catch (err) {
      this.#error('message not taken', err);
    } finally {
      this.counters.backlog -= 1;
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #error(what: string, err: unknown): void {
    this.counters.errors += 1;
    this.#o.log?.(`${this.#o.name}: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
