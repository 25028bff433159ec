import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { lineFramer, type LogParser, type LogRecord } from '@vigil/parsers';
import { CommitTracker } from '../commit.ts';
import { recordId } from '../ids.ts';
import { LineSplitter } from '../lines.ts';
import { describeDestination, storedEventsBefore, type OffsetStore } from '../offsets.ts';
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
  /**
   * The destination's cluster. With it, a committed offset is trusted only while events of the file
   * from before it are still in the destination's event indices (deleted or emptied indices: the file
   * is read again from its start); without it, a committed offset is trusted as it is.
   */
  client?: Client;
}

/**
 * Why a file was read from where it was, for the summary: a resume skips data, and a fresh start
 * despite a committed offset re-reads it; both say so.
 */
export interface ResumeReport {
  /** The byte reading started from. */
  at: number;
  /**
   * `new`: no offset of this file for this destination. `resumed`: from the committed offset.
   * `not_in_destination`: the committed offset was not used, the destination no longer holds the
   * file's events. `unknown_destination`: only an offset from state that did not record its
   * destination was found, not used. `changed`: the file was rotated or truncated since.
   */
  reason: 'new' | 'resumed' | 'not_in_destination' | 'unknown_destination' | 'changed';
  /** The committed offset that was not used (all reasons but `new` and `resumed`). */
  ignored?: number;
  /** Events of the file from before {@link at} found in the destination (`resumed`, when checked). */
  stored?: number;
  /** Why the stored events could not be counted (`resumed` without a check). */
  unchecked?: string;
  /** Other destinations this file was ingested into before (it is read afresh for this one). */
  elsewhere: number;
  /** One line saying the above, naming the destination. */
  message: string;
}

export interface FileOnceResult {
  path: string;
  size: number;
  /** Offset it resumed from (0 for a new file). */
  resumedAt: number;
  /** Why it read from there; says what a resume skipped. */
  resume: ResumeReport;
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
  const resume = await resumePoint(absolute, info.ino, info.size, o);
  const start = resume.at;
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
  return { path: absolute, size: info.size, resumedAt: start, resume, records, tracker, ino: info.ino };
}

/** After the writer flushed: records the file's final committed offset. */
export function commitFinal(offsets: OffsetStore, result: { path: string; ino: number; tracker: CommitTracker }, now: Date): void {
  offsets.set(result.path, result.ino, result.tracker.committed, now);
  offsets.save();
}

/** Where to start reading a file for the offset store's destination, and why (see {@link ResumeReport}). */
async function resumePoint(path: string, ino: number, size: number, o: FileOnceOptions): Promise<ResumeReport> {
  const destination = o.offsets.destination;
  const where = describeDestination(destination);
  const lookup = o.offsets.resume(path, ino, size);
  const report = (r: Omit<ResumeReport, 'elsewhere'>): ResumeReport => ({ ...r, elsewhere: lookup.elsewhere.length });
  if (lookup.offset > 0) {
    const counted = o.client === undefined || destination === undefined ? { unchecked: 'no cluster to check against' } : await storedEventsBefore(o.client, destination, path, lookup.offset);
    if (counted.stored === 0) {
      return report({
        at: 0,
        reason: 'not_in_destination',
        ignored: lookup.offset,
        message: `not resumed at byte ${lookup.offset}: no event of this file is in ${where} (indices deleted or emptied?); read from the start, ids prevent duplicates`,
      });
    }
    const already = counted.stored === undefined ? `not checked: ${counted.unchecked ?? 'unknown'}` : `${counted.stored} events of this file`;
    return report({ at: lookup.offset, reason: 'resumed', ...counted, message: `bytes 0-${lookup.offset} skipped, already in ${where} (${already})` });
  }
  if (lookup.legacy !== undefined && lookup.legacy.offset > 0) {
    return report({
      at: 0,
      reason: 'unknown_destination',
      ignored: lookup.legacy.offset,
      message: `offset ${lookup.legacy.offset} from state that did not record where events went not used; read from the start into ${where}, ids prevent duplicates`,
    });
  }
  if (lookup.committed !== undefined && lookup.committed.offset > 0) {
    return report({ at: 0, reason: 'changed', ignored: lookup.committed.offset, message: `rotated or truncated since offset ${lookup.committed.offset} was committed; read from the start` });
  }
  const before = lookup.elsewhere.length === 0 ? '' : `; ingested before into ${lookup.elsewhere.map(describeDestination).join('; ')}`;
  return report({ at: 0, reason: 'new', message: `new in ${where}${before}` });
}
