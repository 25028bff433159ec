import { Readable } from 'node:stream';
import { errors, type Client } from '@elastic/elasticsearch';
import { dailySystemIndex } from '../indices.ts';

/** One document for the bulk writer. */
export interface BulkDocument {
  index: string;
  /** Deterministic id: a replay of the same input creates nothing new (the create answers 409). */
  id: string;
  document: unknown;
  /** The raw input text, kept in the dead letter when Elasticsearch rejects the document. */
  original: string;
  dataset: string;
  /**
   * Called exactly once, when the document is safely stored: indexed, found already indexed, or
   * written to the dead-letter index. File inputs commit offsets from here, never earlier.
   */
  onDone?: () => void;
}

/** Counters of a writer since it started; read by metrics endpoints and summaries. */
export interface BulkStats {
  indexed: number;
  duplicates: number;
  deadLettered: number;
  /** Bulk requests sent again after a failure (an outage, a 429, documents rejected for now). */
  retries: number;
  /** Documents accepted by `add` and not yet done. */
  backlog: number;
  /** Latency of the last successful bulk request. */
  lastLatencyMs: number;
}

/**
 * Options of {@link BulkWriter}. Defaults follow the ingest contract: flush at 1 s or 5 MB, two
 * requests in flight, retry transient failures forever with jittered exponential backoff.
 */
export interface BulkWriterOptions {
  client: Client;
  /** Index prefix, for the dead-letter index `<prefix>-deadletter-YYYY.MM.DD`. */
  prefix: string;
  flushIntervalMs?: number;
  flushBytes?: number;
  concurrency?: number;
  /** `add` reports "full" beyond this many buffered bytes; default flushBytes × (concurrency + 1). */
  maxBufferedBytes?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Where a transient failure is reported (one line each); default silent. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** Last resort when even the dead letter is refused: the document is written here, never dropped. */
  onUnstorable?: (doc: Omit<BulkDocument, 'document'>, reason: string) => void;
  now?: () => Date;
  random?: () => number;
}

/** What a batch keeps of a document once serialized: not the event object, which can be collected. */
type Pending = Omit<BulkDocument, 'document'>;

interface Batch {
  docs: Pending[];
  bytes: number;
  /** Per document: its action and source lines, as sent. */
  body: string[];
  /** Per document: the byte length of its two lines (measured once). */
  sizes: number[];
}

const emptyBatch = (): Batch => ({ docs: [], bytes: 0, body: [], sizes: [] });

interface ItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

const enc = (s: string) => Buffer.byteLength(s, 'utf8');

/** Bytes per chunk of a streamed `_bulk` body: large enough for few writes, small next to a 5 MB batch. */
const bodyChunkChars = 64 * 1024;

/**
 * A batch's lines as a stream of ~64 KB chunks. The request body is never joined into one string
 * the size of the batch (5 MB, then a second copy when the HTTP client encodes it): only one chunk
 * exists at a time besides the lines the batch keeps anyway for retries.
 */
function bulkBodyStream(lines: readonly string[]): Readable {
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const line of lines) {
      chunk += line;
      if (chunk.length >= bodyChunkChars) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Whole-request failures that may pass: no connection, timeouts, 429 and 5xx answers. */
function isTransient(err: unknown): boolean {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError;
}

/**
 * Buffers documents and writes them with `_bulk` `create` operations. Never drops a document: a
 * transient failure is retried until it passes (inputs see `add` return false and wait with
 * `waitForRoom`, so they pause instead of buffering without bound), and a permanent per-document
 * rejection is written to the dead-letter index with the original text and the reason.
 */
export class BulkWriter {
  readonly #o: Required<Omit<BulkWriterOptions, 'onRetry' | 'onUnstorable'>> & Pick<BulkWriterOptions, 'onRetry' | 'onUnstorable'>;
  #current: Batch = emptyBatch();
  readonly #queue: Batch[] = [];
  #inFlight = 0;
  #bufferedBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #roomWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  readonly #stats: BulkStats = { indexed: 0, duplicates: 0, deadLettered: 0, retries: 0, backlog: 0, lastLatencyMs: 0 };
  #closed = false;
  /**
   * One string per distinct index name: the batch keeps every document's index until it is done,
   * and callers usually build the name per event (`prefix-dataset-date`), a fresh copy each time.
   */
  readonly #indexNames = new Map<string, string>();

  constructor(options: BulkWriterOptions) {
    const flushBytes = options.flushBytes ?? 5 * 1024 * 1024;
    const concurrency = options.concurrency ?? 2;
    this.#o = {
      flushIntervalMs: 1_000,
      backoffInitialMs: 100,
      backoffMaxMs: 10_000,
      now: () => new Date(),
      random: Math.random,
      ...options,
      flushBytes,
      concurrency,
      maxBufferedBytes: options.maxBufferedBytes ?? flushBytes * (concurrency + 1),
    };
  }

  get stats(): Readonly<BulkStats> {
    return { ...this.#stats };
  }

  /** Buffers a document. Returns false when the buffer is full: wait for `waitForRoom()` before adding more. */
  add(doc: BulkDocument): boolean {
    if (this.#closed) throw new Error('bulk writer is closed');
    const lines = `{"create":{"_index":${JSON.stringify(doc.index)},"_id":${JSON.stringify(doc.id)}}}\n${JSON.stringify(doc.document)}\n`;
    const bytes = enc(lines);
    this.#current.docs.push({ index: this.#internIndex(doc.index), id: doc.id, original: doc.original, dataset: doc.dataset, ...(doc.onDone === undefined ? {} : { onDone: doc.onDone }) });
    this.#current.body.push(lines);
    this.#current.sizes.push(bytes);
    this.#current.bytes += bytes;
    this.#bufferedBytes += bytes;
    this.#stats.backlog += 1;
    if (this.#current.bytes >= this.#o.flushBytes) this.#seal();
    else if (this.#timer === undefined) this.#timer = setTimeout(() => this.#seal(), this.#o.flushIntervalMs);
    return this.#bufferedBytes < this.#o.maxBufferedBytes;
  }

  #internIndex(index: string): string {
    const known = this.#indexNames.get(index);
    if (known !== undefined) return known;
    // daily indices come and go: forget old names rather than grow for the life of the process
    if (this.#indexNames.size >= 1_000) this.#indexNames.clear();
    this.#indexNames.set(index, index);
    return index;
  }

  /** Resolves when `add` would accept more without exceeding the buffer. */
  waitForRoom(): Promise<void> {
    if (this.#bufferedBytes < this.#o.maxBufferedBytes) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Sends everything buffered now and resolves when every document added so far is done. */
  flush(): Promise<void> {
    this.#seal();
    if (this.#stats.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #seal(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#current.docs.length === 0) return;
    this.#queue.push(this.#current);
    this.#current = emptyBatch();
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < this.#o.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.shift() as Batch;
      this.#inFlight += 1;
      void this.#send(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #send(batch: Batch): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.docs.length > 0; attempt += 1) {
      const retry = await this.#attempt(pending, attempt);
      if (retry.docs.length === 0) break;
      pending = retry;
      await this.#backoff(attempt, `${retry.docs.length} documents rejected for now`);
    }
  }

  /** POSTs a `_bulk` body until Elasticsearch answers; returns the per-item results in order. */
  async #request(lines: readonly string[], firstAttempt: number, what: string): Promise<ItemResult[]> {
    for (let attempt = firstAttempt; ; attempt += 1) {
      try {
        const response = (await this.#o.client.transport.request({
          method: 'POST',
          path: '/_bulk',
          // a fresh stream per attempt; the transport does not retry a stream body, this loop does
          bulkBody: bulkBodyStream(lines),
          querystring: { filter_path: 'items.*.status,items.*.error.type,items.*.error.reason' },
        })) as { items?: Array<Record<string, ItemResult>> };
        return (response.items ?? []).map((item) => Object.values(item)[0] as ItemResult);
      } catch (err) {
        // Nothing is dropped, so even a permanent refusal (401 after a password change) is retried
        // until an operator fixes it; the report says which kind it is.
        const kind = isTransient(err) ? 'unavailable' : 'refused (needs an operator)';
        const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
        await this.#backoff(attempt, `${what}: elasticsearch ${kind}: ${reason}`);
      }
    }
  }

  /** One batch; returns the documents to send again (empty when the batch is done). */
  async #attempt(batch: Batch, attempt: number): Promise<Batch> {
    const started = Date.now();
    const items = await this.#request(batch.body, attempt, `bulk of ${batch.docs.length}`);
    this.#stats.lastLatencyMs = Date.now() - started;
    const retry = emptyBatch();
    const rejected: Array<[Pending, ItemResult, string]> = [];
    batch.docs.forEach((doc, i) => {
      const item = items[i] ?? { status: 0, error: { type: 'missing_item', reason: 'no result for this document' } };
      if (item.status >= 200 && item.status < 300) this.#done(doc, 'indexed', batch, i);
      else if (item.status === 409) this.#done(doc, 'duplicates', batch, i);
      else if (item.status === 429 || item.status >= 500 || item.status === 0) {
        retry.docs.push(doc);
        retry.body.push(batch.body[i] as string);
        retry.sizes.push(batch.sizes[i] as number);
      } else rejected.push([doc, item, batch.body[i] as string]);
    });
    if (rejected.length > 0) await this.#deadLetter(rejected, batch);
    return retry;
  }

  async #deadLetter(rejected: Array<[Pending, ItemResult, string]>, batch: Batch): Promise<void> {
    const now = this.#o.now();
    const index = dailySystemIndex(this.#o.prefix, 'deadletter', now);
    const letters: string[] = [];
    for (const [doc, item, lines] of rejected) {
      const letter = {
        '@timestamp': now.toISOString(),
        event: { original: doc.original, dataset: doc.dataset },
        target_index: doc.index,
        error: { type: item.error?.type ?? `http_${item.status}`, message: item.error?.reason ?? `HTTP ${item.status}` },
        // the refused document, recovered from the line that was sent (rare path: parse on demand)
        document: JSON.parse(lines.slice(lines.indexOf('\n') + 1)) as unknown,
      };
      letters.push(`{"create":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(doc.id)}}}\n${JSON.stringify(letter)}\n`);
    }
    const results = await this.#request(letters, 1, `dead letter of ${letters.length}`);
    rejected.forEach(([doc], i) => {
      const status = results[i]?.status ?? 0;
      if (!(status >= 200 && status < 300) && status !== 409) this.#o.onUnstorable?.(doc, results[i]?.error?.reason ?? `HTTP ${status}`);
      this.#done(doc, 'deadLettered', batch, batch.docs.indexOf(doc));
    });
  }

  #done(doc: Pending, outcome: 'indexed' | 'duplicates' | 'deadLettered', batch: Batch, i: number): void {
    this.#stats[outcome] += 1;
    this.#stats.backlog -= 1;
    this.#bufferedBytes -= batch.sizes[i] ?? 0;
    doc.onDone?.();
    if (this.#bufferedBytes < this.#o.maxBufferedBytes && this.#roomWaiters.length > 0) {
      const waiters = this.#roomWaiters;
      this.#roomWaiters = [];
      for (const wake of waiters) wake();
    }
    if (this.#stats.backlog === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  #backoff(attempt: number, reason: string): Promise<void> {
    this.#stats.retries += 1;
    const ceiling = Math.min(this.#o.backoffMaxMs, this.#o.backoffInitialMs * 2 ** Math.min(attempt - 1, 20));
    const delay = Math.round(ceiling / 2 + (this.#o.random() * ceiling) / 2);
    this.#o.onRetry?.(reason, attempt, delay);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}
