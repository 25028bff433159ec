import { MAX_RECORD_BYTES, type Line } from '@vigil/parsers';

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines with exact byte offsets (file inputs commit offsets, so they must
 * be bytes, not characters). `\n` and `\r\n` end a line. A line longer than the record limit keeps
 * its first MAX_RECORD_BYTES + 1 bytes (so the parser stage sees it is too long and flags it) and
 * the rest is skipped up to the newline: memory stays bounded whatever the input.
 */
export class LineSplitter {
  #offset: number;
  #parts: Buffer[] = [];
  #partBytes = 0;
  #lineStart: number;

  constructor(startOffset = 0) {
    this.#offset = startOffset;
    this.#lineStart = startOffset;
  }

  /** Feeds a chunk; calls `emit` for every line it completes. */
  push(chunk: Buffer, emit: (line: Line) => void): void {
    let from = 0;
    for (let nl = chunk.indexOf(NL, from); nl !== -1; nl = chunk.indexOf(NL, from)) {
      this.#offset += nl - from + 1;
      if (this.#partBytes === 0) emit(this.#direct(chunk, from, nl));
      else {
        this.#keep(chunk.subarray(from, nl));
        emit(this.#take(true));
      }
      from = nl + 1;
    }
    this.#keep(chunk.subarray(from));
    this.#offset += chunk.length - from;
  }

  /** A line wholly inside one chunk: decoded in place, no copy (the common case on the hot path). */
  #direct(chunk: Buffer, from: number, nl: number): Line {
    let end = Math.min(nl, from + MAX_RECORD_BYTES + 1);
    if (end === nl && end > from && chunk[end - 1] === CR) end -= 1;
    const line: Line = { text: chunk.toString('utf8', from, end), offset: this.#lineStart, end: this.#offset };
    this.#lineStart = this.#offset;
    return line;
  }

  /** End of input: a last line without a newline is still a line (its `end` has no newline). */
  end(emit: (line: Line) => void): void {
    if (this.#partBytes > 0 || this.#offset > this.#lineStart) emit(this.#take(false));
  }

  /** Bytes consumed so far, including a partial line not yet emitted. */
  get offset(): number {
    return this.#offset;
  }

  #keep(bytes: Buffer): void {
    const room = MAX_RECORD_BYTES + 1 - this.#partBytes;
    if (room <= 0 || bytes.length === 0) return;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.#parts.push(Buffer.from(kept));
    this.#partBytes += kept.length;
  }

  #take(newline: boolean): Line {
    let buf = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts, this.#partBytes);
    if (newline && buf.length > 0 && buf[buf.length - 1] === CR && buf.length <= MAX_RECORD_BYTES) buf = buf.subarray(0, buf.length - 1);
    const line: Line = { text: buf.toString('utf8'), offset: this.#lineStart, end: this.#offset };
    this.#parts = [];
    this.#partBytes = 0;
    this.#lineStart = this.#offset;
    return line;
  }
}
