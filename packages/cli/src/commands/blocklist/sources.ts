import type { Client, estypes } from '@elastic/elasticsearch';
import { canonicalIp, decisionOf, responsesPattern, type ResponseAuditDocument } from '@vigil/actions';
import { Allowlist, parseAddress, type CanonicalAddress } from '@vigil/responder';
import { alertedSources, elasticsearchError, type EventRange } from '@vigil/store';

/** An address the blocklist may hold, with the decisions that put it there. */
export interface Candidate {
  ip: string;
  family: 4 | 6;
  /** Distinct block decisions with a `blocked` outcome in the range (one decision reaching three hosts counts once). */
  blocks: number;
  /** Alerts on it (one per watch: its latest episode) active in the range. */
  alerts: number;
}

/** What the blocklist is made of, and what was left out and why. */
export interface Candidates {
  listed: Candidate[];
  /** Under `--min` decisions. */
  belowMin: Candidate[];
  /** Covered by the allowlist: never exported. */
  allowlisted: { ip: string; why: string }[];
  /** Texts in the audit or an alert entity that are not one host's address. */
  invalid: string[];
}

const PAGE = 1000;

/** The `blocked` outcomes of block requests in the range, paged (nothing capped). */
async function blockedOutcomes(client: Client, prefix: string, range: EventRange): Promise<ResponseAuditDocument[]> {
  const index = responsesPattern(prefix);
  const query: estypes.QueryDslQueryContainer = {
    bool: {
      filter: [
        { term: { outcome: 'blocked' } },
        { term: { action: 'block' } },
        { range: { '@timestamp': { gte: range.since.toISOString(), lt: range.until.toISOString() } } },
      ],
    },
  };
  const out: ResponseAuditDocument[] = [];
  try {
    // outcomes are written as responders report them: read what is there now
    await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
    let after: estypes.SortResults | undefined;
    for (;;) {
      const page = await client.search<ResponseAuditDocument>({
        index,
        query,
        sort: [{ '@timestamp': 'asc' }, { id: 'asc' }],
        size: PAGE,
        track_total_hits: false,
        ignore_unavailable: true,
        allow_no_indices: true,
        ...(after === undefined ? {} : { search_after: after }),
      });
      for (const hit of page.hits.hits) if (hit._source !== undefined) out.push(hit._source);
      const last = page.hits.hits.at(-1);
      if (page.hits.hits.length < PAGE || last?.sort === undefined) return out;
      after = last.sort;
    }
  } catch (err) {
    throw elasticsearchError(err, client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch', 'reading blocks from the responses audit');
  }
}

/** IPv4 numerically, then IPv6 numerically. */
export function compareAddresses(a: CanonicalAddress, b: CanonicalAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  const x = a.parsed.toByteArray();
  const y = b.parsed.toByteArray();
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * The addresses Vigil blocked (the audit's `blocked` outcomes, counted per decision) or alerted on
 * (alerts whose entity has `source.ip`) in the range: canonical, de-duplicated, allowlisted ones
 * left out, those with at least `min` decisions (blocks + alerts) listed in address order.
 */
export async function blocklistCandidates(client: Client, prefix: string, range: EventRange, min: number, allowlist: Allowlist): Promise<Candidates> {
  const decisions = new Map<string, { blocks: Set<string>; alerts: number }>();
  const invalid = new Set<string>();
  const entry = (text: string) => {
    const ip = canonicalIp(text);
    if (ip === undefined) {
      invalid.add(text);
      return undefined;
    }
    let found = decisions.get(ip);
    if (found === undefined) decisions.set(ip, (found = { blocks: new Set(), alerts: 0 }));
    return found;
  };
  for (const d of await blockedOutcomes(client, prefix, range)) entry(d.ip)?.blocks.add(d.decision_id ?? decisionOf(d.request_id));
  for (const a of await alertedSources(client, prefix, range)) {
    const found = entry(a.ip);
    if (found !== undefined) found.alerts += 1;
  }
  const result: Candidates = { listed: [], belowMin: [], allowlisted: [], invalid: [...invalid].sort() };
  const addresses: { address: CanonicalAddress; candidate: Candidate }[] = [];
  for (const [ip, found] of decisions) {
    const parsed = parseAddress(ip);
    if (!parsed.ok) continue; // canonicalIp accepted it: the same parser
    const allowed = allowlist.match(parsed.address);
    if (allowed !== undefined) result.allowlisted.push({ ip, why: `${allowed.range.cidr}, ${allowed.source}` });
    else addresses.push({ address: parsed.address, candidate: { ip, family: parsed.address.family, blocks: found.blocks.size, alerts: found.alerts } });
  }
  addresses.sort((a, b) => compareAddresses(a.address, b.address));
  for (const { candidate } of addresses) (candidate.blocks + candidate.alerts >= min ? result.listed : result.belowMin).push(candidate);
  result.allowlisted.sort((a, b) => (a.ip < b.ip ? -1 : 1));
  return result;
}
