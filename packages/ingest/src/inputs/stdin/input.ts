import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Clock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import { newCounters, type IngestCounters } from '../../sink.ts';
import type { StreamCounters } from '../network/counters.ts';
import { LineRecords } from '../network/line-records.ts';
import { SerialQueue } from '../network/serial.ts';
import type { RecordTarget } from '../file/tail.ts';

/** Options of {@link StdinInput}. */
export interface StdinOptions {
  /** The input's name (the `ingest/*.yaml` file it came from, or `stdin`), for logs and metrics. */
  name: string;
  /** Parser of the records; its framer groups lines into records. */
  parser: LogParser;
  /** Where records go; {@link RecordSink} is one. */
  target: RecordTarget;
  /** Source of "now" for the idle flush of multi-line records. */
  clock: Clock;
  /** The stream to read. Default `process.stdin`. */
  input?: Readable;
  /**
   * A multi-line record still open after this long without a new line is complete (ms, measured on
   * `clock`), for a live pipe (`tail -F alerts.log | vigil ingest -`); EOF completes it at once.
   * Default 2000.
   */
  framerIdleMs?: number;
  /** How often the open record is checked for idleness (ms, a real timer). Default 250. */
  idleCheckMs?: number;
  /** Where lines read are counted as `linesIn` (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
  /** Reports read errors and records the target refused, one line each. */
  log?: (line: string) => void;
}

/**
 * Reads a stream line by line until EOF: every record goes to the target before the next chunk is
 * read, so a slow target pauses the stream (and the process writing the pipe). `done` resolves at
 * EOF, after the last line and the open record were delivered.
 */
export class StdinInput {
  readonly counters: StreamCounters = { bytes: 0, errors: 0, backlog: 0 };
  /** Resolves when the stream ended (or `stop` was called) and every record reached the target. */
  readonly done: Promise<void>;
  readonly #o: StdinOptions;
  readonly #input: Readable;
  readonly #lines: IngestCounters;
  readonly #resolveDone: () => void;
  readonly #queue: SerialQueue;
  #stopping = false;
  #started = false;

  constructor(options: StdinOptions) {
    this.#o = options;
    this.#input = options.input ?? process.stdin;
    this.#lines = options.counters ?? newCounters();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.done = promise;
    this.#resolveDone = resolve;
    this.#queue = new SerialQueue();
  }

  /** Starts reading; resolves at once (the reading goes on until EOF, see `done`). */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    void this.#read().then(this.#resolveDone);
  }

  /**
   * Stops reading before EOF (what the stream has not yet delivered is not read), delivers what was
   * read, the partial last line included, and resolves when the target took it.
   */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#stopping = true;
    this.#input.destroy();
    await this.done;
  }

  async #read(): Promise<void> {
    const records = new LineRecords({
      parser: this.#o.parser,
      clock: this.#o.clock,
      framerIdleMs: this.#o.framerIdleMs ?? 2_000,
      onLine: () => (this.#lines.linesIn += 1),
    });
    const timer = this.#o.parser.framer === undefined ? undefined : setInterval(() => void this.#send(records.idle()), this.#o.idleCheckMs ?? 250);
    timer?.unref();
    try {
      for await (const chunk of this.#input as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        this.counters.bytes += bytes.length;
        await this.#send(records.push(bytes));
      }
    } catch (err) {
      if (!this.#stopping) this.#error('read failed', err);
    } finally {
      clearInterval(timer);
    }
    await this.#send(records.end());
  }

  /** Queued behind records of the idle timer, so the order is the stream's. */
  #send(texts: string[]): Promise<void> {
    if (texts.length === 0) return this.#queue.idle();
    this.counters.backlog += texts.length;
    return this.#queue.push(async () => {
      for (const text of texts) {
        try {
          await this.#o.target.write(text, randomUUID(), {});
        } catch (err) {
          this.#error('record not taken', err);
        } finally {
          this.counters.backlog -= 1;
        }
      }
    });
  }

  #error(what: string, err: unknown): void {
    this.counters.errors += 1;
    this.#o.log?.(`${this.#o.name}: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
