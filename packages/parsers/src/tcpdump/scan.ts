import { isIP } from 'node:net';

// Character-level helpers for the tcpdump hot path: no regex, and numbers are read in place
// (one pass over their digits, no intermediate string).

export const SPACE = 32;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

export function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Index just past the digits that the last {@link readNumber} read. */
export const cursor = { end: 0 };

/** The decimal number at `i` (NaN when there is no digit there, or more than 15); sets `cursor.end`. */
export function readNumber(s: string, i: number): number {
  let n = 0;
  let j = i;
  for (;;) {
    const c = s.charCodeAt(j); // NaN past the end: the loop stops
    if (!(c >= ZERO && c <= NINE)) break;
    n = n * 10 + (c - ZERO);
    j += 1;
  }
  cursor.end = j;
  return j === i || j - i > 15 ? Number.NaN : n;
}

/** An address (and port) as tcpdump prints one side of a packet. */
export interface Side {
  ip: string;
  port?: number;
}

/**
 * An IPv4 side at `from` in one pass: `198.51.100.23.51234` (address and port) or `10.0.0.1` (no
 * port, ICMP), ending at the first character that is neither a digit nor a dot, whose index goes to
 * `cursor.end`. Undefined when it is not an address.
 */
export function readIpv4Side(s: string, from: number): Side | undefined {
  let parts = 1;
  let value = 0;
  let digits = 0;
  let lastDot = -1;
  let i = from;
  for (; ; i += 1) {
    const c = s.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if ((digits === 1 && value === 0) || digits === 5) return undefined; // leading zero, or too long
      value = value * 10 + (c - ZERO);
      digits += 1;
    } else if (c === DOT) {
      if (digits === 0 || parts === 5 || value > 255) return undefined;
      parts += 1;
      lastDot = i;
      value = 0;
      digits = 0;
    } else break;
  }
  cursor.end = i;
  if (digits === 0) return undefined;
  if (parts === 5 && value <= 65535) return { ip: s.slice(from, lastDot), port: value };
  if (parts === 4 && value <= 255) return { ip: s.slice(from, i) };
  return undefined;
}

/**
 * An IPv6 side in `s[from, to)`: `2001:db8::1.443` (the port follows the LAST dot) or `2001:db8::1`.
 */
export function readIpv6Side(s: string, from: number, to: number): Side | undefined {
  const dot = s.lastIndexOf('.', to - 1);
  if (dot > from) {
    const port = readNumber(s, dot + 1);
    if (cursor.end === to && port <= 65535 && isIpv6(s, from, dot)) return { ip: s.slice(from, dot), port };
  }
  return isIpv6(s, from, to) ? { ip: s.slice(from, to) } : undefined;
}

function isIpv6(s: string, from: number, to: number): boolean {
  return to - from <= 45 && isIP(s.slice(from, to)) === 6;
}
