import type { Clock } from '@vigil/core';
import { lineFramer, type LogParser, type RecordFramer } from '@vigil/parsers';
import { LineSplitter } from '../../lines.ts';

/** Settings of a {@link LineRecords}. */
export interface LineRecordsOptions {
  parser: LogParser;
  clock: Clock;
  /** A multi-line record still open after this long without new lines is complete (ms). */
  framerIdleMs: number;
  /** Called once per physical line read. */
  onLine: () => void;
}

/**
 * Bytes of one stream → records: LineSplitter (bounded lines, byte accounting) then the parser's
 * framer (multi-line formats). One per TCP connection or stdin stream.
 */
export class LineRecords {
  readonly #splitter = new LineSplitter();
  readonly #framer: RecordFramer;
  readonly #multiLine: boolean;
  readonly #o: LineRecordsOptions;
  #lastLineAt = 0;
  #linesSinceFlush = false;

  constructor(options: LineRecordsOptions) {
    this.#o = options;
    this.#multiLine = options.parser.framer !== undefined;
    this.#framer = options.parser.framer?.() ?? lineFramer();
  }

  /** Feeds bytes; returns the records they completed. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let lines = false;
    this.#splitter.push(chunk, (line) => {
      this.#o.onLine();
      lines = true;
      for (const record of this.#framer.push(line)) out.push(record.text);
    });
    if (lines && this.#multiLine) {
      this.#linesSinceFlush = true;
      this.#lastLineAt = this.#o.clock.now().getTime();
    }
    return out;
  }

  /** End of the stream: a last line without newline, then the record still open. */
  end(): string[] {
    const out: string[] = [];
    this.#splitter.end((line) => {
      this.#o.onLine();
      for (const record of this.#framer.push(line)) out.push(record.text);
    });
    for (const record of this.#framer.flush()) out.push(record.text);
    return out;
  }

  /** A multi-line record left open by a stream that went quiet: complete after `framerIdleMs`. */
  idle(): string[] {
    if (!this.#multiLine || !this.#linesSinceFlush) return [];
    if (this.#o.clock.now().getTime() - this.#lastLineAt < this.#o.framerIdleMs) return [];
    this.#linesSinceFlush = false;
    return this.#framer.flush().map((record) => record.text);
  }
}
