/** What the `--log-prefix` text of a LOG rule says about the packet. */
export interface PrefixInfo {
  /** `event.action`: the prefix in snake_case (`[UFW BLOCK]` → `ufw_block`), `netfilter_log` without one. */
  action: string;
  /** `denied` / `allowed` when a verdict word is in the prefix, else undefined. */
  verdict: 'denied' | 'allowed' | undefined;
}

const DENIED = new Set(['DROP', 'DROPPED', 'REJECT', 'REJECTED', 'BLOCK', 'BLOCKED', 'DENY', 'DENIED', 'REFUSE', 'REFUSED']);
const ALLOWED = new Set(['ACCEPT', 'ACCEPTED', 'ALLOW', 'ALLOWED', 'ACC', 'PASS']);
const NO_PREFIX: PrefixInfo = { action: 'netfilter_log', verdict: undefined };
const MAX_ACTION = 64;

// Prefixes repeat: a firewall has a handful of LOG rules. Bounded so hostile input cannot grow it.
// An entry keeps its key detached from the line it came from (see detached()).
interface Entry {
  prefix: string;
  glued: boolean;
  info: PrefixInfo;
}
const gluedCache = new Map<string, Entry>();
const spacedCache = new Map<string, Entry>();
const CACHE_MAX = 512;
// Runs of lines share one prefix: the last entry is compared first, which spares hashing the new
// prefix string for a map lookup.
let last: Entry | undefined;

/**
 * Action and verdict of a log prefix (already trimmed; may be empty). `glued`: the prefix touches
 * `IN=` with no space (`[WAN_IN-10-D]IN=`), which is when the EdgeOS `-D]`/`-R]`/`-A]` suffix is read.
 */
export function prefixInfo(prefix: string, glued = false): PrefixInfo {
  if (prefix === '') return NO_PREFIX;
  if (last !== undefined && last.glued === glued && last.prefix === prefix) return last.info;
  const cache = glued ? gluedCache : spacedCache;
  let entry = cache.get(prefix);
  if (entry === undefined) {
    const info: PrefixInfo = { action: normalizeAction(prefix), verdict: verdictOf(prefix, glued) };
    if (prefix.length > MAX_ACTION) return info;
    if (cache.size >= CACHE_MAX) cache.clear();
    entry = { prefix: detached(prefix), glued, info };
    cache.set(entry.prefix, entry);
  }
  last = entry;
  return entry.info;
}

/**
 * A copy of `s` that does not share memory with the line it was cut from (a slice keeps its whole
 * parent string alive, and cache keys live long). Runs on cache misses only.
 */
export function detached(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** Lower case, runs of anything but `[a-z0-9]` become one `_`, no leading or trailing `_`. */
export function normalizeAction(prefix: string): string {
  let out = '';
  let pendingSep = false;
  for (let i = 0; i < prefix.length && out.length < MAX_ACTION; i++) {
    const code = prefix.charCodeAt(i);
    let ch = -1;
    if (code >= 65 && code <= 90) ch = code + 32;
    else if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) ch = code;
    if (ch === -1) {
      pendingSep = true;
      continue;
    }
    if (pendingSep && out !== '') out += '_';
    out += String.fromCharCode(ch);
    pendingSep = false;
  }
  return out === '' ? NO_PREFIX.action : out;
}

/**
 * A verdict word anywhere in the prefix (`DROP_INPUT`, `[UFW BLOCK]`, `PVEFW-reject`), or the
 * Ubiquiti/EdgeOS convention `[<rule set>-<rule>-D|R|A]IN=` (drop, reject, accept; glued to `IN=`).
 */
function verdictOf(prefix: string, glued: boolean): 'denied' | 'allowed' | undefined {
  const words = prefix.toUpperCase().split(/[^A-Z]+/);
  let verdict: 'denied' | 'allowed' | undefined;
  for (const word of words) {
    if (DENIED.has(word)) return 'denied';
    if (verdict === undefined && ALLOWED.has(word)) verdict = 'allowed';
  }
  if (verdict !== undefined) return verdict;
  if (glued && prefix.charCodeAt(0) === 91 /* [ */ && prefix.length > 3 && prefix.charCodeAt(prefix.length - 3) === 45 /* - */) {
    const last = prefix.slice(-2);
    if (last === 'D]' || last === 'R]') return 'denied';
    if (last === 'A]') return 'allowed';
  }
  return undefined;
}
