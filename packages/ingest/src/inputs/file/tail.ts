import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Clock } from '@vigil/core';
import { lineFramer, type LogParser, type LogRecord, type RecordFramer } from '@vigil/parsers';
import { CommitTracker } from '../../commit.ts';
import { recordId } from '../../ids.ts';
import { LineSplitter } from '../../lines.ts';
import type { OffsetStore } from '../../offsets.ts';
import { newCounters, type IngestCounters } from '../../sink.ts';
import type { RecordOrigin } from '../../event.ts';

/** Where records go; {@link RecordSink} is one. */
export interface RecordTarget {
  write(text: string, id: string, origin: RecordOrigin, onDone?: () => void): Promise<void>;
}

/** Options of {@link FileTailInput}. */
export interface FileTailOptions {
  /** The input's name (the `ingest/*.yaml` file it came from), for logs and metrics. */
  name: string;
  /** Files to follow; each is read from its committed offset, or from its start when new. */
  paths: string[];
  parser: LogParser;
  target: RecordTarget;
  offsets: OffsetStore;
  clock: Clock;
  /** How often an idle file is checked for growth, rotation and truncation (ms). Default 250. */
  pollMs?: number;
  /** How often committed offsets are written to disk (ms). Default 1000. */
  saveEveryMs?: number;
  /** A multi-line record still open after this long without new lines is complete (ms). Default 2000. */
  framerIdleMs?: number;
  /**
   * Reports rotation, truncation and problems with a path (missing, a directory, unreadable), one line
   * each: a problem is reported once when it appears, not at every poll it lasts.
   */
  log?: (line: string) => void;
  /** Where lines read are counted (shared with the input's sink, for metrics). */
  counters?: IngestCounters;
}

/** Counters of one tail input (lines read are counted in {@link FileTailOptions.counters}). */
export interface FileTailCounters {
  bytes: number;
  rotations: number;
  truncations: number;
}

/** One open file of a followed path. */
interface OpenFile {
  handle: FileHandle;
  ino: number;
  position: number;
  splitter: LineSplitter;
  framer: RecordFramer;
  tracker: CommitTracker;
  streamKey: string;
  lastLineAt: number;
}

const CHUNK = 1024 * 1024;

/** Why a followed path cannot be opened, as logged (once) while it lasts. */
function openProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  // tail -F: a path that does not exist yet is followed when it appears (a log created at first write)
  if (code === 'ENOENT') return 'warning: does not exist (yet): it is followed when it appears';
  if (code === 'EACCES' || code === 'EPERM') return 'error: permission denied: retrying until it can be read';
  return `error: cannot open: ${(err as Error).message}`;
}

/**
 * Follows files like `tail -F`: reads what is appended, and when the path is rotated (another inode
 * appears under the name) finishes the old file before starting the new one from its beginning; when
 * the file shrinks (truncation) starts again from 0. Offsets are committed only as far as the target
 * acknowledged, so a restart resumes without losing or duplicating lines.
 */
export class FileTailInput {
  readonly #o: FileTailOptions;
  readonly counters: FileTailCounters = { bytes: 0, rotations: 0, truncations: 0 };
  readonly #lines: IngestCounters;
  #running = false;
  #loops: Array<Promise<void>> = [];
  readonly #buffer = Buffer.alloc(CHUNK);

  constructor(options: FileTailOptions) {
    this.#o = options;
    this.#lines = options.counters ?? newCounters();
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#loops = this.#o.paths.map((p) => this.#follow(resolve(p)));
  }

  /** Stops following, waits for the loops, and saves the committed offsets. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    this.#o.offsets.save();
  }

  async #follow(path: string): Promise<void> {
    let file: OpenFile | undefined;
    let lastSave = Date.now();
    /** The problem last reported for this path, so a lasting one is one line, not one per poll. */
    let reported: string | undefined;
    const report = (problem: string) => {
      if (problem !== reported) this.#o.log?.(`${this.#o.name}: ${path}: ${problem}`);
      reported = problem;
    };
    while (this.#running) {
      try {
        if (file === undefined) {
          const opened = await this.#open(path);
          if ('problem' in opened) {
            report(opened.problem);
            await this.#sleep();
            continue;
          }
          file = opened;
          if (reported !== undefined) this.#o.log?.(`${this.#o.name}: ${path}: readable now, following it`);
          reported = undefined;
        }
        const read = await file.handle.read(this.#buffer, 0, CHUNK, file.position);
        if (read.bytesRead > 0) {
          reported = undefined;
          await this.#consume(file, this.#buffer.subarray(0, read.bytesRead));
          continue;
        }
        file = await this.#atEnd(path, file);
        if (Date.now() - lastSave >= (this.#o.saveEveryMs ?? 1_000)) {
          this.#o.offsets.save();
          lastSave = Date.now();
        }
        await this.#sleep();
      } catch (err) {
        report((err as Error).message);
        await this.#sleep();
      }
    }
    if (file !== undefined) {
      this.#commit(path, file);
      await file.handle.close();
    }
  }

  /** Opens the path from its committed offset, or says why it cannot be read (then it is polled again). */
  async #open(path: string): Promise<OpenFile | { problem: string }> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      return { problem: openProblem(err) };
    }
    const info = await handle.stat();
    if (info.isDirectory()) {
      // open(2) succeeds on a directory and every read fails: refused here, once
      await handle.close();
      return { problem: 'error: is a directory, not a file: nothing is read from it (name the files to follow)' };
    }
    const start = this.#o.offsets.resumeAt(path, info.ino, info.size);
    return this.#fresh(path, handle, info.ino, start);
  }

  #fresh(path: string, handle: FileHandle, ino: number, start: number): OpenFile {
    return {
      handle,
      ino,
      position: start,
      splitter: new LineSplitter(start),
      framer: this.#o.parser.framer?.() ?? lineFramer(),
      tracker: new CommitTracker(start),
      streamKey: `${path}\0${ino}`,
      lastLineAt: Date.now(),
    };
  }

  async #consume(file: OpenFile, chunk: Buffer): Promise<void> {
    const records: LogRecord[] = [];
    file.splitter.push(chunk, (line) => {
      this.#lines.linesIn += 1;
      records.push(...file.framer.push(line));
    });
    file.position += chunk.length;
    this.counters.bytes += chunk.length;
    file.lastLineAt = Date.now();
    await this.#send(file, records);
  }

  async #send(file: OpenFile, records: LogRecord[]): Promise<void> {
    const path = file.streamKey.slice(0, file.streamKey.indexOf('\0'));
    for (const record of records) {
      await this.#o.target.write(record.text, recordId(file.streamKey, record.offset, record.text), { filePath: path, offset: record.offset }, file.tracker.track(record.end));
    }
    this.#commit(path, file);
  }

  #commit(path: string, file: OpenFile): void {
    this.#o.offsets.set(path, file.ino, file.tracker.committed, this.#o.clock.now());
  }

  /** At the end of what is written: detect rotation and truncation, flush an idle multi-line record. */
  async #atEnd(path: string, file: OpenFile): Promise<OpenFile | undefined> {
    const now = await stat(path).catch(() => undefined);
    if (now !== undefined && now.ino !== file.ino) {
      // rotated: the old file is read to its end (we are there); its last line may lack a newline
      await this.#finish(file);
      this.counters.rotations += 1;
      this.#o.log?.(`${this.#o.name}: ${path} rotated, following the new file`);
      return undefined;
    }
    if (now !== undefined && now.size < file.position) {
      this.counters.truncations += 1;
      this.#o.log?.(`${this.#o.name}: ${path} truncated, reading from the start`);
      await this.#finish(file, false);
      return this.#fresh(path, await open(path, 'r'), file.ino, 0);
    }
    if (Date.now() - file.lastLineAt >= (this.#o.framerIdleMs ?? 2_000)) {
      const open = file.framer.flush();
      if (open.length > 0) await this.#send(file, open);
    }
    return file;
  }

  async #finish(file: OpenFile, withPartialLine = true): Promise<void> {
    const rest: LogRecord[] = [];
    if (withPartialLine) file.splitter.end((line) => rest.push(...file.framer.push(line)));
    rest.push(...file.framer.flush());
    await this.#send(file, rest);
    await file.handle.close();
  }

  #sleep(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.#o.pollMs ?? 250));
  }
}
