import { MAX_RECORD_BYTES } from '@vigil/parsers';
import type { StreamDecoder } from '../network/tcp-server.ts';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
/** A MSG-LEN of more digits than this is not a length: the frame is read as newline-terminated. */
const MAX_LENGTH_DIGITS = 9;

type State = 'start' | 'length' | 'octets' | 'line';

/**
 * RFC 6587 syslog over TCP, framing detected per message: a message starting with a non-zero digit is
 * octet-counted (`<MSG-LEN> <MSG>`, MSG may hold newlines); any other message is non-transparent,
 * ended by LF or NUL (a CR before the LF is dropped). Digits not followed by a space turn out to be
 * the start of a non-transparent message and stay part of it. A non-transparent message that starts
 * with `<digits><space>` is read as octet-counted: the ambiguity is the RFC's (rsyslog shares it).
 *
 * Memory is bounded: a message keeps at most MAX_RECORD_BYTES + 1 bytes (the record stage sees it is
 * too long, truncates and tags it) and the rest of it is skipped. Empty messages are skipped.
 */
export class SyslogFrameDecoder implements StreamDecoder {
  #state: State = 'start';
  #length = 0;
  #digits = 0;
  #remaining = 0;
  #parts: Buffer[] = [];
  #kept = 0;
  #out: string[] = [];

  push(chunk: Buffer): string[] {
    let i = 0;
    let lf = -2; // next LF / NUL at or after i, found once per chunk and reused (-1: none)
    let nul = -2;
    while (i < chunk.length) {
      if (this.#state === 'start') i = this.#start(chunk, i);
      else if (this.#state === 'length') i = this.#lengthDigits(chunk, i);
      else if (this.#state === 'octets') i = this.#octets(chunk, i);
      else {
        if (lf !== -1 && lf < i) lf = chunk.indexOf(LF, i);
        if (nul !== -1 && nul < i) nul = chunk.indexOf(NUL, i);
        const end = lf === -1 ? nul : nul === -1 ? lf : Math.min(lf, nul);
        i = this.#line(chunk, i, end);
      }
    }
    return this.#take();
  }

  end(): string[] {
    // a frame cut by the close: what arrived is still delivered (a bare length too: nothing is lost)
    if (this.#state === 'line') this.#emit(true);
    else if (this.#state !== 'start') this.#emit(false);
    this.#state = 'start';
    return this.#take();
  }

  #start(chunk: Buffer, i: number): number {
    const b = chunk[i] as number;
    if (b === LF || b === NUL) return i + 1; // an empty message (or a newline after a counted frame)
    if (b > ZERO && b <= NINE) {
      this.#state = 'length';
      this.#length = 0;
      this.#digits = 0;
    } else this.#state = 'line';
    return i;
  }

  #lengthDigits(chunk: Buffer, i: number): number {
    let j = i;
    while (j < chunk.length && this.#digits < MAX_LENGTH_DIGITS) {
      const b = chunk[j] as number;
      if (b < ZERO || b > NINE) break;
      this.#length = this.#length * 10 + (b - ZERO);
      this.#digits += 1;
      j += 1;
    }
    if (j < chunk.length && chunk[j] === SP) {
      this.#reset();
      this.#state = 'octets';
      this.#remaining = this.#length;
      return j + 1;
    }
    this.#keep(chunk, i, j); // digits may yet begin a non-transparent message
    if (j < chunk.length) this.#state = 'line';
    return j;
  }

  #octets(chunk: Buffer, i: number): number {
    const n = Math.min(this.#remaining, chunk.length - i);
    this.#remaining -= n;
    if (this.#remaining > 0) this.#keep(chunk, i, i + n);
    else {
      if (this.#kept === 0) this.#direct(chunk, i, i + n, false);
      else {
        this.#keep(chunk, i, i + n);
        this.#emit(false);
      }
      this.#state = 'start';
    }
    return i + n;
  }

  #line(chunk: Buffer, i: number, end: number): number {
    if (end === -1) {
      this.#keep(chunk, i, chunk.length);
      return chunk.length;
    }
    if (this.#kept === 0) this.#direct(chunk, i, end, true);
    else {
      this.#keep(chunk, i, end);
      this.#emit(true);
    }
    this.#state = 'start';
    return end + 1;
  }

  /** A message wholly inside one chunk: decoded in place, no copy (the common case). */
  #direct(chunk: Buffer, from: number, end: number, stripCr: boolean): void {
    let to = Math.min(end, from + MAX_RECORD_BYTES + 1);
    if (stripCr && to === end && to > from && chunk[to - 1] === CR) to -= 1;
    if (to > from) this.#out.push(chunk.toString('utf8', from, to));
  }

  #keep(chunk: Buffer, from: number, to: number): void {
    const room = MAX_RECORD_BYTES + 1 - this.#kept;
    const n = Math.min(room, to - from);
    if (n <= 0) return;
    // copied: a view would pin the whole chunk while the message waits for its end
    this.#parts.push(Buffer.from(chunk.subarray(from, from + n)));
    this.#kept += n;
  }

  #emit(stripCr: boolean): void {
    let bytes = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts, this.#kept);
    if (stripCr && bytes.length > 0 && bytes.length <= MAX_RECORD_BYTES && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    if (bytes.length > 0) this.#out.push(bytes.toString('utf8'));
    this.#reset();
  }

  #reset(): void {
    this.#parts = [];
    this.#kept = 0;
  }

  #take(): string[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
