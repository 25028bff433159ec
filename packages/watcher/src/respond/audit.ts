import type { Client, estypes } from '@elastic/elasticsearch';
import { canonicalIp, decisionOf, responsesPattern, writeAuditDocument, type ResponseAuditDocument } from '@vigil/actions';
import { elasticsearchError } from '@vigil/store';

/** The most documents one audit read returns; a read that had more says so (`total`, `truncated`). */
export const MAX_AUDIT_READ = 10_000;

/** Filters of an audit read; addresses must be canonical (`canonicalIp`). */
export interface AuditFilter {
  ip?: string;
  host?: string;
}

/** A page of audit documents, newest first. */
export interface AuditPage {
  documents: ResponseAuditDocument[];
  /** How many matched: more than `documents.length` when the limit cut the list. */
  total: number;
}

/** A block in force on one host, from the audit. */
export interface ActiveBlock {
  ip: string;
  host: string;
  request_id: string;
  /** When the responder applied it. */
  blocked: string;
  expires: string;
  duration_ms?: number;
  step?: number;
  backend?: string;
  watch_id?: string;
  alert_id?: string;
  reason: string;
  origin: ResponseAuditDocument['origin'];
}

/** One earlier block decision, as `ResponderDispatch.previousBlocks` returns it. */
export interface PreviousBlock {
  requested: string;
  duration_ms: number;
  step: number;
}

function filters(filter: AuditFilter): estypes.QueryDslQueryContainer[] {
  return [...(filter.ip === undefined ? [] : [{ term: { ip: filter.ip } }]), ...(filter.host === undefined ? [] : [{ term: { 'host.name': filter.host } }])];
}

const hostOf = (d: ResponseAuditDocument): string => d.host?.name ?? '';
/** Address and host of a document, the address canonical whoever wrote it. */
const placeOf = (d: ResponseAuditDocument): string => `${canonicalIp(d.ip) ?? d.ip} ${hostOf(d)}`;
const timeOf = (d: ResponseAuditDocument): number => Date.parse(d['@timestamp']);

/**
 * Reads and writes the block / unblock audit, `<prefix>-responses-YYYY.MM.DD`: what was requested
 * of which host, and what each responder reported. Reads refresh the audit indices first (blocks
 * are rare next to events; a decision must see the one made a second before it).
 */
export class ResponseAudit {
  readonly #client: Client;
  readonly #prefix: string;
  readonly #pattern: string;

  constructor(options: { client: Client; prefix: string }) {
    this.#client = options.client;
    this.#prefix = options.prefix;
    this.#pattern = responsesPattern(options.prefix);
  }

  /** Writes one document under its id: writing it again changes nothing. */
  record(document: ResponseAuditDocument): Promise<void> {
    return writeAuditDocument(this.#client, this.#prefix, document);
  }

  /** True when a document with this id is in the audit, on any day. */
  async has(id: string): Promise<boolean> {
    const found = await this.#search(`looking up ${id} in the responses audit`, { query: { ids: { values: [id] } }, size: 0, track_total_hits: true });
    return totalOf(found) > 0;
  }

  /**
   * Block decisions for `ip` requested since `since` (ISO), newest first, one per decision however
   * many hosts it reached (the `requested` documents of its requests share a `decision_id`).
   */
  async previousBlocks(ip: string, since: string): Promise<PreviousBlock[]> {
    const found = await this.#search(`reading earlier blocks of ${ip}`, {
      query: { bool: { filter: [{ term: { outcome: 'requested' } }, { term: { action: 'block' } }, { term: { ip } }, { range: { '@timestamp': { gte: since } } }] } },
      sort: [{ '@timestamp': 'desc' }],
      size: MAX_AUDIT_READ,
    });
    const decisions = new Map<string, PreviousBlock>();
    for (const d of documentsOf(found)) {
      const decision = d.decision_id ?? decisionOf(d.request_id);
      if (!decisions.has(decision)) decisions.set(decision, { requested: d['@timestamp'], duration_ms: d.duration_ms ?? 0, step: d.step ?? 0 });
    }
    return [...decisions.values()];
  }

  /** Audit documents (requests and outcomes), newest first. */
  async list(filter: AuditFilter, limit: number): Promise<AuditPage> {
    const found = await this.#search('listing the responses audit', {
      query: { bool: { filter: filters(filter) } },
      sort: [{ '@timestamp': 'desc' }, { id: { order: 'desc', unmapped_type: 'keyword' } }],
      size: Math.min(limit, MAX_AUDIT_READ),
      track_total_hits: true,
    });
    return { documents: documentsOf(found), total: totalOf(found) };
  }

  /**
   * Blocks in force at `now`: per address and host, the newest `blocked` outcome whose `expires` is
   * after `now` and after which no `unblocked` or `expired` outcome of that address and host came.
   */
  async activeBlocks(now: Date, filter: AuditFilter = {}): Promise<{ blocks: ActiveBlock[]; truncated: boolean }> {
    const blocked = await this.#search('reading blocks in force', {
      query: { bool: { filter: [...filters(filter), { term: { outcome: 'blocked' } }, { range: { expires: { gt: now.toISOString() } } }] } },
      sort: [{ '@timestamp': 'desc' }],
      size: MAX_AUDIT_READ,
      track_total_hits: true,
    });
    const candidates = newestPerAddressAndHost(documentsOf(blocked));
    if (candidates.length === 0) return { blocks: [], truncated: false };
    const oldest = new Date(Math.min(...candidates.map(timeOf))).toISOString();
    const ended = await this.#search('reading unblocks and expiries', {
      query: {
        bool: {
          filter: [...filters(filter), { terms: { outcome: ['unblocked', 'expired'] } }, { terms: { ip: [...new Set(candidates.map((d) => d.ip))] } }, { range: { '@timestamp': { gte: oldest } } }],
        },
      },
      size: MAX_AUDIT_READ,
      track_total_hits: true,
    });
    const endings = documentsOf(ended);
    const active = candidates.filter((b) => !endings.some((e) => placeOf(e) === placeOf(b) && timeOf(e) > timeOf(b)));
    return { blocks: active.map(activeBlock), truncated: totalOf(blocked) > MAX_AUDIT_READ || totalOf(ended) > MAX_AUDIT_READ };
  }

  async #search(doing: string, request: Omit<estypes.SearchRequest, 'index'>): Promise<estypes.SearchResponse<ResponseAuditDocument>> {
    try {
      await this.#client.indices.refresh({ index: this.#pattern, ignore_unavailable: true, allow_no_indices: true });
      return await this.#client.search<ResponseAuditDocument>({ ...request, index: this.#pattern, ignore_unavailable: true, allow_no_indices: true });
    } catch (error) {
      throw elasticsearchError(error, this.#client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch', doing);
    }
  }
}

function documentsOf(found: estypes.SearchResponse<ResponseAuditDocument>): ResponseAuditDocument[] {
  return found.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
}

function totalOf(found: estypes.SearchResponse<ResponseAuditDocument>): number {
  const total = found.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? found.hits.hits.length);
}

/** The first (newest) document of each address and host, from a newest-first list. */
function newestPerAddressAndHost(documents: ResponseAuditDocument[]): ResponseAuditDocument[] {
  const seen = new Map<string, ResponseAuditDocument>();
  for (const d of documents) {
    if (!seen.has(placeOf(d))) seen.set(placeOf(d), d);
  }
  return [...seen.values()];
}

function activeBlock(d: ResponseAuditDocument): ActiveBlock {
  const optional = { duration_ms: d.duration_ms, step: d.step, backend: d.backend, watch_id: d.watch_id, alert_id: d.alert_id };
  return {
    ip: d.ip,
    host: hostOf(d),
    request_id: d.request_id,
    blocked: d['@timestamp'],
    expires: d.expires!,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    reason: d.reason,
    origin: d.origin,
  };
}
