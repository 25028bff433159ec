/**
 * What the `--log-prefix` text of a LOG rule says about the packet, read as Elastic's `iptables`
 * integration reads it (its ingest pipeline, packages/iptables/data_stream/log in elastic/integrations)
 * where the two overlap. README.md next to this file has the table.
 */
export interface PrefixInfo {
  /** `event.action`: the verdict the prefix names (`drop`, `reject`, `deny`, `accept`, `drop_input`); undefined when it names none. */
  action: string | undefined;
  /** `denied` / `allowed` (ECS `event.type`) when the prefix names a verdict, else undefined. */
  verdict: 'denied' | 'allowed' | undefined;
  /** Ubiquiti/EdgeOS `[<rule set>-<rule>-<D|A|R>]`: `rule.name` = rule set, `rule.id` = rule. */
  rule?: { name: string; id: string };
  /** Ubiquiti zone firewall rule sets `<from zone>-<to zone>`: `observer.ingress.zone` / `observer.egress.zone`. */
  zones?: { ingress: string; egress: string };
}

interface Verdict {
  action: string;
  verdict: 'denied' | 'allowed';
}

/** Verdict words (case-insensitive runs of letters) → the netfilter target they name. */
const VERDICT_WORDS: ReadonlyMap<string, Verdict> = new Map(
  (
    [
      [['DROP', 'DROPPED', 'BLOCK', 'BLOCKED'], { action: 'drop', verdict: 'denied' }],
      [['REJECT', 'REJECTED', 'REFUSE', 'REFUSED'], { action: 'reject', verdict: 'denied' }],
      [['DENY', 'DENIED'], { action: 'deny', verdict: 'denied' }],
      [['ACCEPT', 'ACCEPTED', 'ACC', 'ALLOW', 'ALLOWED', 'PASS'], { action: 'accept', verdict: 'allowed' }],
    ] satisfies [string[], Verdict][]
  ).flatMap(([words, v]) => words.map((w): [string, Verdict] => [w, v])),
);
const UBIQUITI_ACTIONS: Readonly<Record<string, Verdict>> = {
  D: { action: 'drop', verdict: 'denied' },
  A: { action: 'accept', verdict: 'allowed' },
  R: { action: 'reject', verdict: 'denied' },
};
const NO_VERDICT: PrefixInfo = { action: undefined, verdict: undefined };
const MAX_CACHED = 64;
/** A single word as Elastic's grok `WORD` reads it, optionally after `iptables`, optionally ending in `:`. */
const SINGLE_WORD = /^(?:ip6?tables )?(\w{1,64}):?$/;

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
 * Verdict, rule and zones of a log prefix (already trimmed; may be empty). `glued`: the prefix
 * touches `IN=` with no space (`[WAN_IN-10-D]IN=`), which is when the Ubiquiti form is read (as
 * Elastic's pipeline, which requires `]IN=`).
 */
export function prefixInfo(prefix: string, glued = false): PrefixInfo {
  if (prefix === '') return NO_VERDICT;
  if (last !== undefined && last.glued === glued && last.prefix === prefix) return last.info;
  const cache = glued ? gluedCache : spacedCache;
  let entry = cache.get(prefix);
  if (entry === undefined) {
    const info = (glued ? ubiquiti(prefix) : undefined) ?? verdictOf(prefix);
    if (prefix.length > MAX_CACHED) return info;
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

/**
 * `[<rule set>-<rule>-<D|A|R>]`: the rule set is everything before the last two `-` fields; a rule
 * set `<a>-<b>` names the zones (`[wan-lan-default-D]`: from wan to lan).
 */
function ubiquiti(prefix: string): PrefixInfo | undefined {
  const n = prefix.length;
  if (prefix.charCodeAt(0) !== 91 /* [ */ || prefix.charCodeAt(n - 1) !== 93 /* ] */ || prefix.charCodeAt(n - 3) !== 45 /* - */) return undefined;
  const verdict = UBIQUITI_ACTIONS[prefix.charAt(n - 2).toUpperCase()];
  if (verdict === undefined) return undefined;
  const ruleAt = prefix.lastIndexOf('-', n - 4);
  if (ruleAt <= 1) return undefined;
  const id = prefix.slice(ruleAt + 1, n - 3);
  const name = prefix.slice(1, ruleAt);
  if (id === '' || id.includes(']') || name.includes(']')) return undefined;
  const info: PrefixInfo = { ...verdict, rule: { name, id } };
  const zones = name.split('-');
  if (zones.length === 2 && zones[0] !== '' && zones[1] !== '') info.zones = { ingress: zones[0] as string, egress: zones[1] as string };
  return info;
}

/**
 * A verdict word anywhere in the prefix (`DROP_INPUT`, `[UFW BLOCK]`, `PVEFW-reject`); a denying word
 * wins over an accepting one. A prefix that is one word (`DENY:`, `iptables DROP_INPUT:`) is the
 * action itself, lower case, as Elastic's pipeline takes it; otherwise the action is the target the
 * word names (`[UFW BLOCK]` → `drop`).
 */
function verdictOf(prefix: string): PrefixInfo {
  let found: Verdict | undefined;
  for (const word of prefix.toUpperCase().split(/[^A-Z]+/)) {
    const v = VERDICT_WORDS.get(word);
    if (v === undefined) continue;
    if (v.verdict === 'denied') {
      found = v;
      break;
    }
    found ??= v;
  }
  if (found === undefined) return NO_VERDICT;
  const single = SINGLE_WORD.exec(prefix);
  return { action: single === null ? found.action : (single[1] as string).toLowerCase(), verdict: found.verdict };
}
