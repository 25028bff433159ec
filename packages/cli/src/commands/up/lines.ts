import { StringDecoder } from 'node:string_decoder';

/** Longest piece written as one output line; a longer line is written as several (memory stays bounded). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Options of {@link LinePrefixer}. */
export interface LinePrefixerOptions {
  /** Put before every line, e.g. `[worker] `. */
  prefix: string;
  /** Receives each prefixed line without its newline, in order, one call per line. */
  write: (line: string) => void;
  /**
   * A line longer than this (in UTF-16 code units) is written in pieces of at most this many, each
   * prefixed: nothing is dropped and a child that never writes a newline cannot fill the memory.
   * Default {@link MAX_LINE_CHARS}.
   */
  maxLineChars?: number;
}

/**
 * Turns one byte stream (a child's stdout or stderr) into whole prefixed lines. `\n` and `\r\n` end
 * a line; a chunk may end inside a line or inside a UTF-8 character, the rest waits for the next
 * chunk, and {@link end} flushes a final line without a newline. Each line reaches `write` in one
 * call, so lines of several children never interleave within a line.
 */
export class LinePrefixer {
  readonly #o: Required<LinePrefixerOptions>;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(options: LinePrefixerOptions) {
    this.#o = { maxLineChars: MAX_LINE_CHARS, ...options };
    if (!(this.#o.maxLineChars >= 2)) throw new RangeError('maxLineChars must be at least 2');
  }

  /** Feeds a chunk; writes every line it completes. */
  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.#emit(text.slice(from, nl > from && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl));
      from = nl + 1;
    }
    this.#partial = this.#cut(text.slice(from));
  }

  /** End of the stream: a last line without a newline is still written (a lone `\r` at its end is dropped). */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#emit(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }

  /** A complete line: its leading pieces when it is over-long, then the rest. */
  #emit(line: string): void {
    this.#o.write(this.#o.prefix + this.#cut(line));
  }

  /** Writes the leading pieces of an over-long text now; returns the rest (at most the limit), unwritten. */
  #cut(text: string): string {
    const max = this.#o.maxLineChars;
    let from = 0;
    while (text.length - from > max) {
      const end = this.#pieceEnd(text, from, max);
      this.#o.write(this.#o.prefix + text.slice(from, end));
      from = end;
    }
    return text.slice(from);
  }

  /** End of a piece of at most `max` units that does not split a surrogate pair (an emoji stays whole). */
  #pieceEnd(text: string, from: number, max: number): number {
    const end = from + max;
    const last = text.charCodeAt(end - 1);
    return last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
  }
}
