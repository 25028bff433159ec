import type { Client } from '@elastic/elasticsearch';
import type { BlockRequest, ResponseOutcome } from '@vigil/responder/protocol';
import { dailySystemIndex, elasticsearchError } from '@vigil/store';
import { decisionOf } from './request.ts';

/**
 * A document of the block / unblock audit, `<prefix>-responses-YYYY.MM.DD` (the day of its
 * `@timestamp`, UTC). Responders' {@link ResponseOutcome}s are written as they come; Vigil adds
 * `requested` (a request was put on a host's queue) and `refused` (a `block_ip` decision stopped
 * before any request, e.g. a malformed address).
 */
export type ResponseAuditDocument = Omit<ResponseOutcome, 'outcome' | 'host' | 'backend'> & {
  /** Shared by the requests of one decision to several hosts (see request.ts). */
  decision_id?: string;
  outcome: ResponseOutcome['outcome'] | 'requested';
  /** The protected host; absent on a `refused` decision that reached none. */
  host?: ResponseOutcome['host'];
  /** Set on outcomes a responder reported. */
  backend?: string;
};

/** `<prefix>-responses-YYYY.MM.DD` of a timestamp. */
export function responsesIndex(prefix: string, timestamp: string): string {
  return dailySystemIndex(prefix, 'responses', timestamp);
}

/** `<prefix>-responses-*`, every day of the audit. */
export function responsesPattern(prefix: string): string {
  return `${prefix}-responses-*`;
}

/** The audit record of a request put on `host`'s queue, dated when Vigil decided it. */
export function requestedDocument(host: string, request: BlockRequest): ResponseAuditDocument {
  const { id, requested, ...rest } = request;
  return { ...rest, id: `${id}:requested`, '@timestamp': requested, request_id: id, decision_id: decisionOf(id), outcome: 'requested', host: { name: host } };
}

/** The audit record of a decision refused before any request was sent. */
export function refusedDocument(decision: { decision_id: string; ip: string; reason: string; watch_id: string; alert_id: string; at: string; error: string }): ResponseAuditDocument {
  return {
    id: `${decision.decision_id}:refused`,
    '@timestamp': decision.at,
    request_id: decision.decision_id,
    decision_id: decision.decision_id,
    action: 'block',
    outcome: 'refused',
    ip: decision.ip,
    watch_id: decision.watch_id,
    alert_id: decision.alert_id,
    reason: decision.reason,
    origin: 'watch',
    error: { message: decision.error },
  };
}

/**
 * Writes an audit document under its own `_id` (a second write of the same one replaces it with
 * itself); Elasticsearch errors become VigilErrors, transient for 429, 5xx and no answer.
 */
export async function writeAuditDocument(client: Client, prefix: string, document: ResponseAuditDocument): Promise<void> {
  try {
    await client.index({ index: responsesIndex(prefix, document['@timestamp']), id: document.id, document });
  } catch (error) {
    throw elasticsearchError(error, client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch', `recording ${document.outcome} ${document.action} of ${document.ip} in the responses audit`);
  }
}
