/**
 * Address scanning for auth lines. User names are attacker-controlled and may contain
 * `from 1.2.3.4 port 22` (CVE-2013-6890), so addresses are read from the END of the text
 * (`lastIndexOf`, bounded token scans) and the user name is whatever lies between the fixed head and
 * the address. Every function here is linear in the input.
 */

/** An address found in the text: `start` is where its separator (` from `, ` `) begins. */
export interface Found {
  start: number;
  addr: string;
  port?: number;
}

const MAX_ADDR = 255;

/** Port digits `s[a, b)` (1 to 5 digits, at most 65535), else undefined. */
export function portAt(s: string, a: number, b: number): number | undefined {
  if (b <= a || b - a > 5) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v <= 65535 ? v : undefined;
}

/**
 * `<sep><addr> port <n>` ending exactly at `end`, or with `withPort` false `<sep><addr>`. `sep`
 * must end with a space (` from `, ` FROM `, ` for `, ` `).
 */
export function addrAtEnd(s: string, end: number, sep: string, withPort: boolean): Found | undefined {
  let addrEnd = end;
  let port: number | undefined;
  if (withPort) {
    const sp = s.lastIndexOf(' ', end - 1);
    if (sp < 6) return undefined;
    port = portAt(s, sp + 1, end);
    if (port === undefined || !s.startsWith(' port', sp - 5)) return undefined;
    addrEnd = sp - 5;
  }
  if (addrEnd < 1) return undefined;
  const addrStart = s.lastIndexOf(' ', addrEnd - 1) + 1;
  if (addrStart === 0 || addrEnd - addrStart < 1 || addrEnd - addrStart > MAX_ADDR) return undefined;
  const sepStart = addrStart - sep.length;
  if (sepStart < 0 || !s.startsWith(sep, sepStart)) return undefined;
  return port === undefined ? { start: sepStart, addr: s.slice(addrStart, addrEnd) } : { start: sepStart, addr: s.slice(addrStart, addrEnd), port };
}

/** {@link addrAtEnd} with the port if there is one, else without. */
export function addrMaybePortAtEnd(s: string, end: number, sep: string): Found | undefined {
  return addrAtEnd(s, end, sep, true) ?? addrAtEnd(s, end, sep, false);
}

/**
 * The address right after a fixed head at `at`: `<addr> port <n>` or `<addr>` followed by `:` or the
 * end (`Unable to negotiate with 1.2.3.4 port 22: ...`, `... with 1.2.3.4: ...`,
 * `Received disconnect from 2001:db8::1: 11: ...`). `next` is past the address/port and the colon.
 */
export function addrAtHead(s: string, at: number): { addr: string; port?: number; next: number } | undefined {
  let sp = s.indexOf(' ', at);
  if (sp === -1) sp = s.length;
  if (sp - at > MAX_ADDR || sp === at) return undefined;
  if (s.startsWith(' port ', sp)) {
    let k = sp + 6;
    while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    const port = portAt(s, sp + 6, k);
    if (port === undefined) return undefined;
    return { addr: s.slice(at, sp), port, next: s.charCodeAt(k) === 58 ? k + 1 : k };
  }
  const colon = s.charCodeAt(sp - 1) === 58;
  return { addr: s.slice(at, colon ? sp - 1 : sp), next: sp };
}

/**
 * The last ` <addr> port <n>: ` in `s[from, ...)` (sshd's `<id> port N: <reason>`), where the reason
 * after it is server text. `start` is the space before the address.
 */
export function lastAddrPortColon(s: string, from: number): (Found & { next: number }) | undefined {
  let best: (Found & { next: number }) | undefined;
  let i = s.indexOf(' port ', from);
  while (i !== -1) {
    let k = i + 6;
    while (k < s.length && k - i < 12 && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    const port = portAt(s, i + 6, k);
    if (port !== undefined && s.charCodeAt(k) === 58) {
      const addrStart = s.lastIndexOf(' ', i - 1) + 1;
      if (addrStart >= from && i - addrStart <= MAX_ADDR) best = { start: addrStart - 1, addr: s.slice(addrStart, i), port, next: k + 1 };
    }
    i = s.indexOf(' port ', i + 6);
  }
  return best;
}
