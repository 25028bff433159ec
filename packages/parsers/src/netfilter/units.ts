import { Buffer } from 'node:buffer';

/**
 * The line being decoded as UTF-16 code units in a reused typed array.
 *
 * Why: the decoder reads nearly every character of a LOG line, and `charCodeAt` on the sliced strings
 * that line splitting produces costs several times a typed-array load (V8 unwraps the slice on every
 * call). One bulk copy per line (`Buffer#write`, about 50 ns for a LOG line) pays for itself several
 * times over. The array holds the exact code units, so every decision is the one `charCodeAt` would
 * give; past the end it holds a 0 where `charCodeAt` gives NaN (0 is no delimiter, digit or letter).
 * The array grows to the longest line seen (records are capped at 64 KiB).
 */
let units = new Uint16Array(1024);
let unitBytes = Buffer.from(units.buffer);
// `Buffer#write(..., 'utf16le')` writes little-endian pairs; a big-endian host fills the array by hand.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The code units of `s` (valid until the next call), then a 0. */
export function loadUnits(s: string): Uint16Array {
  const n = s.length;
  if (n >= units.length) {
    units = new Uint16Array(2 ** Math.ceil(Math.log2(n + 1)));
    unitBytes = Buffer.from(units.buffer);
  }
  if (LITTLE_ENDIAN) unitBytes.write(s, 0, 'utf16le');
  else for (let i = 0; i < n; i++) units[i] = s.charCodeAt(i);
  units[n] = 0;
  return units;
}
