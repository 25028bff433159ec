import { isIP } from 'node:net';

/**
 * Address validation shared by the netfilter and sshd decoders (log text is untrusted: a value only
 * becomes `source.ip` after it passed here).
 *
 * - IPv4: dotted quad, no leading zeros (`192.030.0.6` is rejected: octal or decimal is ambiguous).
 * - IPv6: anything `node:net` `isIP` accepts, without a zone id, lower-cased; an IPv4-mapped address
 *   (`::ffff:1.2.3.4`) becomes its IPv4 form. IPv6 text is not re-compressed: Elasticsearch's `ip`
 *   type normalises it on indexing.
 *
 * @returns the address to store, or undefined when `text` is not an IP address.
 */
export function parseIp(text: string): string | undefined {
  const n = text.length;
  if (n < 2 || n > 45) return undefined;
  if (isIPv4(text, 0, n)) return text;
  if (text.indexOf(':') === -1 || text.indexOf('%') !== -1 || isIP(text) !== 6) return undefined;
  const lower = text.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower, 7, n)) return lower.slice(7);
  return lower;
}

/** True when `s[start, end)` is a dotted-quad IPv4 address (hand-scanned: this runs once per packet). */
export function isIPv4(s: string, start: number, end: number): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  let first = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      else if (first === 48) return false; // leading zero
      value = value * 10 + (c - 48);
      digits += 1;
      if (value > 255) return false;
    } else if (c === 46) {
      if (digits === 0) return false;
      parts += 1;
      if (parts > 3) return false;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return parts === 3 && digits > 0;
}

/**
 * True when `text` is a plausible DNS name (`rhost=` and `refused connect from` carry names):
 * letters, digits, `-`, `_`, `.`, at most 253 characters, no empty label, and a last label of two
 * or more characters with a letter (`example.com`, `localhost`; not `192.030.0.6`, not `183.106.179.x`).
 */
export function isHostname(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 253) return false;
  let prev = 46; // as if preceded by a dot: a leading dot is an empty label
  let labelStart = 0;
  let labelLetter = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 0x20;
    if (lower >= 97 && lower <= 122) labelLetter = true;
    else if (c === 46) {
      if (prev === 46) return false;
      labelStart = i + 1;
      labelLetter = false;
    } else if (!((c >= 48 && c <= 57) || c === 45 || c === 95)) return false;
    prev = c;
  }
  if (prev === 46 || !labelLetter) return false;
  return labelStart === 0 || n - labelStart >= 2;
}
