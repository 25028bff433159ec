import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const LF = 0x0a;
const READ_BYTES = 1024 * 1024;

/** A message read back from the spill; `ack` when the target has stored it. */
export interface SpilledRecord {
  id: string;
  text: string;
  ack: () => void;
}

/** Settings of a {@link Spill}. */
export interface SpillOptions {
  dir: string;
  /** The input's name: its files are `<name>.<seq>.spill.ndjson`. */
  name: string;
  /** A file is closed for writing (a new one started) once it holds this many bytes. */
  segmentBytes: number;
  /** Wait before trying a failed write again (ms). */
  retryMs: number;
  onError: (what: string, err: unknown) => void;
}

/** One spill file. */
interface Segment {
  path: string;
  handle: FileHandle | undefined;
  /** Bytes written to the file. */
  written: number;
  /** Bytes read back. */
  read: number;
  /** No more writes will come (rolled over, drained, or left by a previous run). */
  sealed: boolean;
  /** Records read back and not yet acknowledged. */
  unacked: number;
  deleting: boolean;
}

/**
 * A FIFO of messages on disk: NDJSON lines `{"id","text"}` in numbered files. Appends are synchronous
 * for the caller and written in batches; reads return the oldest messages first. A file is deleted
 * once it is sealed, read to its end, and every message read from it was acknowledged, so a crash
 * before Elasticsearch stored them replays them (with the same ids: no duplicates in the index).
 */
export class Spill {
  readonly #o: SpillOptions;
  readonly #segments: Segment[] = [];
  readonly #pattern: RegExp;
  readonly #background = new Set<Promise<void>>();
  #active: Segment | undefined;
  #next = 1;
  #pending: string[] = [];
  #writer: Promise<void> | undefined;
  #batchWaiters: Array<() => void> = [];
  #closing = false;

  constructor(options: SpillOptions) {
    this.#o = options;
    const prefix = encodeURIComponent(options.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.#pattern = new RegExp(`^${prefix}\\.(\\d+)\\.spill\\.ndjson$`);
  }

  /** Whether unread messages exist: pending, being written, or on disk. */
  get hasData(): boolean {
    return this.#pending.length > 0 || this.#writer !== undefined || this.#segments.some((s) => s.read < s.written);
  }

  /** Creates the folder and adopts files left by a previous run (read first); returns their message count. */
  async open(): Promise<number> {
    await mkdir(this.#o.dir, { recursive: true });
    const found = (await readdir(this.#o.dir))
      .map((file) => ({ file, seq: Number(this.#pattern.exec(file)?.[1] ?? NaN) }))
      .filter((f) => Number.isSafeInteger(f.seq))
      .sort((a, b) => a.seq - b.seq);
    let messages = 0;
    for (const { file, seq } of found) {
      this.#next = Math.max(this.#next, seq + 1);
      const path = join(this.#o.dir, file);
      const handle = await open(path, 'r+');
      const size = (await handle.stat()).size;
      const segment: Segment = { path, handle, written: size, read: 0, sealed: true, unacked: 0, deleting: false };
      this.#segments.push(segment);
      if (size === 0) this.#settle(segment);
      else messages += await countLines(handle, size);
    }
    return messages;
  }

  /** Queues a message for the disk. */
  append(id: string, text: string): void {
    this.#pending.push(`${JSON.stringify({ id, text })}\n`);
    this.#writer ??= this.#writeLoop();
  }

  /** The oldest unread messages (up to `max`); empty when there are none. */
  async read(max: number): Promise<SpilledRecord[]> {
    for (;;) {
      const segment = this.#segments.find((s) => s.read < s.written);
      if (segment !== undefined) return this.#readFrom(segment, max);
      if (this.#writer === undefined) return [];
      await new Promise<void>((resolve) => this.#batchWaiters.push(resolve));
    }
  }

  /** Writes what is pending and closes the files; what is unread stays on disk for the next start. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#writer;
    this.#active = undefined;
    for (const segment of [...this.#segments]) {
      segment.sealed = true;
      this.#settle(segment);
      if (!segment.deleting) this.#closeHandle(segment);
    }
    await Promise.all(this.#background);
  }

  async #writeLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const lines = this.#pending;
      this.#pending = [];
      try {
        const batch = Buffer.from(lines.join(''), 'utf8');
        const segment = await this.#segmentFor(batch.length);
        await writeFully(segment.handle as FileHandle, batch, segment.written);
        segment.written += batch.length;
      } catch (err) {
        if (this.#closing) {
          this.#o.onError(`${lines.length} messages could not be spilled at shutdown and are lost`, err);
        } else {
          this.#pending = lines.concat(this.#pending);
          this.#o.onError(`spill write failed; retrying in ${this.#o.retryMs} ms`, err);
          await new Promise((resolve) => setTimeout(resolve, this.#o.retryMs));
        }
      }
      this.#wakeReaders();
    }
    this.#writer = undefined;
    this.#wakeReaders();
  }

  async #segmentFor(bytes: number): Promise<Segment> {
    const active = this.#active;
    if (active !== undefined && active.written > 0 && active.written + bytes > this.#o.segmentBytes) this.#seal(active);
    if (this.#active !== undefined) return this.#active;
    const seq = this.#next;
    this.#next += 1;
    const path = join(this.#o.dir, `${encodeURIComponent(this.#o.name)}.${String(seq).padStart(8, '0')}.spill.ndjson`);
    const segment: Segment = { path, handle: await open(path, 'wx+'), written: 0, read: 0, sealed: false, unacked: 0, deleting: false };
    this.#segments.push(segment);
    this.#active = segment;
    return segment;
  }

  async #readFrom(segment: Segment, max: number): Promise<SpilledRecord[]> {
    const buf = await this.#readLines(segment);
    const out: SpilledRecord[] = [];
    let from = 0;
    while (out.length < max && from < buf.length) {
      let nl = buf.indexOf(LF, from);
      if (nl === -1) {
        // only a file cut by a crash ends without a newline: its last line is read as it is
        if (!(segment.sealed && segment.read + buf.length === segment.written)) break;
        nl = buf.length;
      }
      out.push(this.#record(segment, buf.toString('utf8', from, nl)));
      from = Math.min(nl + 1, buf.length);
    }
    segment.read += from;
    if (segment.read === segment.written) {
      if (segment === this.#active && this.#writer === undefined) this.#seal(segment); // drained
      else this.#settle(segment);
    }
    return out;
  }

  /** Reads from the segment's read position: at least one whole line, or the rest of the file. */
  async #readLines(segment: Segment): Promise<Buffer> {
    const left = segment.written - segment.read;
    for (let size = Math.min(READ_BYTES, left); ; size = Math.min(size * 2, left)) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await (segment.handle as FileHandle).read(buf, 0, size, segment.read);
      if (bytesRead < size) {
        this.#o.onError(`${segment.path} is shorter than written; the rest is lost`, new Error(`read ${bytesRead} of ${size} bytes`));
        segment.written = segment.read + bytesRead;
      }
      const data = buf.subarray(0, bytesRead);
      if (data.includes(LF) || bytesRead < size || size === left) return data;
    }
  }

  #record(segment: Segment, line: string): SpilledRecord {
    let record: { id: string; text: string };
    try {
      const value = JSON.parse(line) as { id?: unknown; text?: unknown };
      if (typeof value.id !== 'string' || typeof value.text !== 'string') throw new Error('not {"id","text"}');
      record = { id: value.id, text: value.text };
    } catch (err) {
      this.#o.onError(`unreadable line in ${segment.path}, sent as it is`, err);
      record = { id: randomUUID(), text: line };
    }
    segment.unacked += 1;
    let acked = false;
    const ack = () => {
      if (acked) return;
      acked = true;
      segment.unacked -= 1;
      this.#settle(segment);
    };
    return { ...record, ack };
  }

  #seal(segment: Segment): void {
    segment.sealed = true;
    if (this.#active === segment) this.#active = undefined;
    this.#settle(segment);
  }

  /** A sealed file read to its end: close it; delete it when every message read was acknowledged. */
  #settle(segment: Segment): void {
    if (!segment.sealed || segment.read < segment.written || segment.deleting) return;
    if (segment.unacked > 0) {
      this.#closeHandle(segment);
      return;
    }
    segment.deleting = true;
    this.#segments.splice(this.#segments.indexOf(segment), 1);
    this.#track(
      (async () => {
        await this.#closeHandle(segment);
        await unlink(segment.path);
      })(),
    );
  }

  #closeHandle(segment: Segment): Promise<void> {
    const handle = segment.handle;
    segment.handle = undefined;
    return handle === undefined ? Promise.resolve() : this.#track(handle.close());
  }

  #track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((err: unknown) => this.#o.onError('spill file cleanup failed', err));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
    return tracked;
  }

  #wakeReaders(): void {
    const waiters = this.#batchWaiters;
    this.#batchWaiters = [];
    for (const wake of waiters) wake();
  }
}

async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Lines of a file (a last line without newline counts). */
async function countLines(handle: FileHandle, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, size));
  let lines = 0;
  let last = LF;
  for (let position = 0; position < size; ) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - position), position);
    if (bytesRead === 0) break;
    for (let i = buf.indexOf(LF, 0); i !== -1 && i < bytesRead; i = buf.indexOf(LF, i + 1)) lines += 1;
    last = buf[bytesRead - 1] as number;
    position += bytesRead;
  }
  return last === LF ? lines : lines + 1;
}
