import { VigilError } from '@vigil/core/errors';
import { MAX_RECORD_BYTES } from './record.ts';
import type { BlockFormat, Line, LogRecord, RecordBounds, RecordFramer } from './types.ts';

/**
 * The bounds of a multi-line record when the input says nothing: 512 lines (a wevtutil 4625 record
 * is ~60, an OSSEC block with Wazuh's previous events rarely over 100) and `MAX_RECORD_BYTES`, the
 * most the record stage keeps, so a framed block is never cut.
 */
export const DEFAULT_RECORD_BOUNDS: Readonly<RecordBounds> = Object.freeze({ maxLines: 512, maxBytes: MAX_RECORD_BYTES });

/** The defaults overridden by `bounds`; a bound that is not a positive integer (or bytes above MAX_RECORD_BYTES) is an error naming it. */
export function recordBounds(bounds: Partial<RecordBounds> = {}): RecordBounds {
  const out = { ...DEFAULT_RECORD_BOUNDS, ...bounds };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new VigilError('CONFIG_INVALID', `record bound ${name} must be a positive integer, got ${String(value)}`);
  }
  if (out.maxBytes > MAX_RECORD_BYTES) throw new VigilError('CONFIG_INVALID', `record bound maxBytes must be at most ${MAX_RECORD_BYTES} (the record stage cuts longer records), got ${out.maxBytes}`);
  return out;
}

const single = (line: Line): LogRecord => ({ text: line.text, offset: line.offset, end: line.end });
const isBlank = (text: string): boolean => text.trim() === '';

/** Every line is a record. */
export function lineFramer(): RecordFramer {
  return {
    push: (line) => [single(line)],
    flush: () => [],
  };
}

/** Settings of a {@link blockFramer}. */
export interface BlockFramerOptions {
  /** Overrides {@link DEFAULT_RECORD_BOUNDS} field by field. */
  bounds?: Partial<RecordBounds> | undefined;
  /** Blank lines outside any block are dropped (they carry no data) instead of being records of their own. */
  dropBlank?: boolean;
  /** A blank line ends a block of every format, whatever its `endsAtBlank` (mixed streams, `--source auto`). */
  blankEndsBlock?: boolean;
}

/**
 * Frames multi-line blocks of one or more {@link BlockFormat}s; every other line is a record of its
 * own. A block opens at a line some format `starts`; its head is checked line by line (`next`) and a
 * block whose head turns out wrong is no block: its first line becomes a record and the lines after it
 * are framed again. A block ends at the next start line, at its blank line (formats that end there:
 * the blank lines are dropped from its text but counted in its `end`), at the end of input, or before
 * a line that would exceed its {@link RecordBounds}; that line is then a record of its own, like
 * every line after it until the next start.
 *
 * So every line ends up in exactly one record, in input order (blank separators excepted), only a
 * block with a complete head spans lines, and the framer holds at most one bounded record.
 */
export function blockFramer(formats: readonly BlockFormat[], options: BlockFramerOptions = {}): RecordFramer {
  const bounds = recordBounds(options.bounds);
  let format: BlockFormat | undefined;
  let open: Line[] = [];
  let openBytes = 0;
  let headDone = false;
  /** End offset of the blank line(s) that ended the open block, while waiting to see what follows them. */
  let blankEnd: number | undefined;

  const endsAtBlank = (f: BlockFormat): boolean => options.blankEndsBlock === true || f.endsAtBlank;
  const startOf = (text: string): BlockFormat | undefined => formats.find((f) => f.starts(text));
  const reset = (): void => {
    format = undefined;
    open = [];
    openBytes = 0;
    headDone = false;
    blankEnd = undefined;
  };
  const begin = (line: Line, f: BlockFormat): void => {
    format = f;
    open = [line];
    openBytes = Buffer.byteLength(line.text);
    headDone = f.next === undefined;
  };
  const fits = (line: Line): boolean => open.length < bounds.maxLines && openBytes + 1 + Buffer.byteLength(line.text) <= bounds.maxBytes;
  const emitOpen = (out: LogRecord[]): void => {
    const first = open[0] as Line;
    const last = open[open.length - 1] as Line;
    out.push({ text: open.map((l) => l.text).join('\n'), offset: first.offset, end: blankEnd ?? last.end });
    reset();
  };
  /** Not a block after all: the first line alone is a record; returns the lines to frame again. */
  const breakOpen = (out: LogRecord[]): Line[] => {
    out.push(single(open[0] as Line));
    const rest = open.slice(1);
    reset();
    return rest;
  };
  /** Ends the open block: a record if its head is complete, else its lines framed again. */
  const closeOpen = (out: LogRecord[]): Line[] => {
    if (headDone) {
      emitOpen(out);
      return [];
    }
    return breakOpen(out);
  };

  /** One line; lines to frame (again) before anything else go to the front of `queue`. */
  const step = (line: Line, out: LogRecord[], queue: Line[]): void => {
    const blank = isBlank(line.text);
    if (format !== undefined && blankEnd !== undefined) {
      if (blank) {
        blankEnd = line.end;
        return;
      }
      emitOpen(out);
    }
    if (format !== undefined) {
      if (startOf(line.text) !== undefined) {
        queue.unshift(...closeOpen(out), line);
        return;
      }
      if (!headDone) {
        const verdict = blank && endsAtBlank(format) ? 'broken' : (format.next?.(open.map((l) => l.text), line.text) ?? 'done');
        if (verdict === 'broken' || !fits(line)) {
          queue.unshift(...breakOpen(out), line);
          return;
        }
        open.push(line);
        openBytes += 1 + Buffer.byteLength(line.text);
        headDone = verdict === 'done';
        return;
      }
      if (blank && endsAtBlank(format)) {
        blankEnd = line.end;
        return;
      }
      if (fits(line)) {
        open.push(line);
        openBytes += 1 + Buffer.byteLength(line.text);
        return;
      }
      emitOpen(out); // a bound: this line and the ones after it, up to the next start, are records of their own
      out.push(single(line));
      return;
    }
    const starting = startOf(line.text);
    if (starting !== undefined) begin(line, starting);
    else if (!(blank && options.dropBlank === true)) out.push(single(line));
  };

  const run = (lines: Line[], out: LogRecord[]): void => {
    for (let line = lines.shift(); line !== undefined; line = lines.shift()) step(line, out, lines);
  };

  return {
    push(line) {
      const out: LogRecord[] = [];
      run([line], out);
      return out;
    },
    flush() {
      const out: LogRecord[] = [];
      while (format !== undefined) {
        if (headDone) emitOpen(out);
        else run(breakOpen(out), out);
      }
      return out;
    },
  };
}

/**
 * Multi-line entries that begin with a recognisable first line: a record runs from a line where
 * `starts(line)` is true to the line before the next such start (or, with `dropBlank`, to its blank
 * line: blank lines then carry no data and are dropped), within `bounds` (see {@link blockFramer}).
 * Lines before the first start are records of their own (nothing is dropped).
 */
export function startLineFramer(starts: (text: string) => boolean, options: { dropBlank?: boolean; bounds?: Partial<RecordBounds> | undefined } = {}): RecordFramer {
  const dropBlank = options.dropBlank === true;
  return blockFramer([{ starts, endsAtBlank: dropBlank }], { dropBlank, bounds: options.bounds });
}
