import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lineFramer, type LogParser, type LogRecord } from '@vigil/parsers';
import { CommitTracker } from '../commit.ts';
import { recordId } from '../ids.ts';
import { LineSplitter } from '../lines.ts';
import type { OffsetStore } from '../offsets.ts';
import type { RecordSink } from '../sink.ts';

/** Options of {@link ingestFileOnce}. */
export interface FileOnceOptions {
  sink: RecordSink;
  parser: LogParser;
  offsets: OffsetStore;
  now: () => Date;
  /** Called with bytes read so far, for progress bars. */
  onProgress?: (bytesRead: number, size: number) => void;
  /** How often committed offsets are written while reading (ms). Default 1000. */
  saveEveryMs?: number;
}

export interface FileOnceResult {
  path: string;
  size: number;
  /** Offset it resumed from (0 for a new file). */
  resumedAt: number;
  records: number;
}

/**
 * Reads a file from its committed offset to its end: every record becomes an event, and the offset is
 * committed only as far as Elasticsearch acknowledged. Re-running after a crash resumes there, and
 * records re-sent from before it (acknowledged but not yet committed) are recognised by their id.
 * The caller flushes the writer; the final offset is saved by {@link commitFinal}.
 */
export async function ingestFileOnce(path: string, o: FileOnceOptions): Promise<FileOnceResult & { tracker: CommitTracker; ino: number }> {
  const absolute = resolve(path);
  const info = await stat(absolute);
  const start = o.offsets.resumeAt(absolute, info.ino, info.size);
  const tracker = new CommitTracker(start);
  const streamKey = `${absolute}\0${info.ino}`;
  const framer = o.parser.framer?.() ?? lineFramer();
  const splitter = new LineSplitter(start);
  let records = 0;
  // Saved on a timer, not per chunk: while Elasticsearch is slow the read loop waits, acks go on.
  const saver = setInterval(() => {
    o.offsets.set(absolute, info.ino, tracker.committed, o.now());
    o.offsets.save();
  }, o.saveEveryMs ?? 1_000);

  const send = async (batch: LogRecord[]) => {
    for (const record of batch) {
      records += 1;
      await o.sink.write(record.text, recordId(streamKey, record.offset, record.text), { filePath: absolute, offset: record.offset }, tracker.track(record.end));
    }
  };

  try {
    const stream = createReadStream(absolute, { start, highWaterMark: 1024 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines: LogRecord[] = [];
      splitter.push(chunk, (line) => {
        o.sink.counters.linesIn += 1;
        lines.push(...framer.push(line));
      });
      await send(lines);
      o.onProgress?.(splitter.offset, info.size);
    }
    const rest: LogRecord[] = [];
    splitter.end((line) => {
      o.sink.counters.linesIn += 1;
      rest.push(...framer.push(line));
    });
    rest.push(...framer.flush());
    await send(rest);
  } finally {
    clearInterval(saver);
  }
  return { path: absolute, size: info.size, resumedAt: start, records, tracker, ino: info.ino };
}

/** After the writer flushed: records the file's final committed offset. */
export function commitFinal(offsets: OffsetStore, result: { path: string; ino: number; tracker: CommitTracker }, now: Date): void {
  offsets.set(result.path, result.ino, result.tracker.committed, now);
  offsets.save();
}
