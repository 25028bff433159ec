import { quoteForMessage } from './address.ts';
import type { BlockRequest, ResponseOutcome } from './protocol.ts';
import type { ActiveBlock, BlockRequestSummary } from './state.ts';

/** Who reports: the host id and the backend type, on every outcome. */
export interface Reporter {
  host: string;
  backend: string;
}

/** Longest text copied from a refused request into its outcome (an attacker may have written it). */
const MAX_ECHO = 256;

function echo(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}… (${text.length} characters)` : text;
}

function requestFields(request: Pick<BlockRequest, 'step' | 'watch_id' | 'alert_id'>) {
  return {
    ...(request.step === undefined ? {} : { step: request.step }),
    ...(request.watch_id === undefined ? {} : { watch_id: request.watch_id }),
    ...(request.alert_id === undefined ? {} : { alert_id: request.alert_id }),
  };
}

/** The outcome of a valid request: `blocked`, `unblocked` or `failed`. */
export function requestOutcome(
  reporter: Reporter,
  at: Date,
  request: BlockRequest,
  ip: string,
  outcome: 'blocked' | 'unblocked' | 'failed',
  extra: { expires?: string; error?: string; extends_request_id?: string } = {},
): ResponseOutcome {
  return {
    id: `${request.id}:${outcome}`,
    '@timestamp': at.toISOString(),
    request_id: request.id,
    action: request.action,
    outcome,
    ip,
    host: { name: reporter.host },
    backend: reporter.backend,
    ...(request.duration_ms === undefined ? {} : { duration_ms: request.duration_ms }),
    ...requestFields(request),
    ...(extra.expires === undefined ? {} : { expires: extra.expires }),
    reason: request.reason,
    origin: request.origin,
    ...(extra.error === undefined ? {} : { error: { message: extra.error } }),
    ...(extra.extends_request_id === undefined ? {} : { extends_request_id: extra.extends_request_id }),
  };
}

/**
 * The outcome of a refused request: whatever it holds is untrusted, so only well-typed fields are
 * copied, and long text is cut. `fallbackId` is the job id (the request id by contract) when the
 * request has no usable `id`.
 */
export function refusedOutcome(reporter: Reporter, at: Date, data: unknown, fallbackId: string, reason: string, canonicalIp?: string): ResponseOutcome {
  const d = (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof d[key] === 'string' ? echo(d[key]) : undefined);
  const requestId = text('id') ?? echo(fallbackId);
  const ip = canonicalIp ?? (typeof d.ip === 'string' ? echo(d.ip) : quoteForMessage(String(d.ip)));
  return {
    id: `${requestId}:refused`,
    '@timestamp': at.toISOString(),
    request_id: requestId,
    action: d.action === 'unblock' ? 'unblock' : 'block',
    outcome: 'refused',
    ip,
    host: { name: reporter.host },
    backend: reporter.backend,
    ...(Number.isSafeInteger(d.duration_ms) ? { duration_ms: d.duration_ms as number } : {}),
    ...(Number.isSafeInteger(d.step) ? { step: d.step as number } : {}),
    ...(text('watch_id') === undefined ? {} : { watch_id: text('watch_id') as string }),
    ...(text('alert_id') === undefined ? {} : { alert_id: text('alert_id') as string }),
    reason: text('reason') ?? '',
    origin: d.origin === 'cli' ? 'cli' : 'watch',
    error: { message: reason },
  };
}

/** The outcomes of a block whose time ran out: one `expired` per request that blocked the address. */
export function expiredOutcomes(reporter: Reporter, at: Date, block: ActiveBlock): ResponseOutcome[] {
  return block.requests.map((request) => expiryOutcome(reporter, at, block, request, 'expired'));
}

/** A block's expiry could not be applied (the backend failed to remove it): reported once, retried by the responder. */
export function expiryFailedOutcome(reporter: Reporter, at: Date, block: ActiveBlock, error: string): ResponseOutcome {
  const request = block.requests.find((r) => r.id === block.expiry_request_id) ?? (block.requests[0] as BlockRequestSummary);
  return { ...expiryOutcome(reporter, at, block, request, 'failed'), error: { message: `could not lift the expired block: ${error}` } };
}

function expiryOutcome(reporter: Reporter, at: Date, block: ActiveBlock, request: BlockRequestSummary, outcome: 'expired' | 'failed'): ResponseOutcome {
  return {
    id: `${request.id}:${outcome}`,
    '@timestamp': at.toISOString(),
    request_id: request.id,
    action: 'block',
    outcome,
    ip: block.ip,
    host: { name: reporter.host },
    backend: reporter.backend,
    duration_ms: request.duration_ms,
    ...requestFields(request),
    expires: block.expires,
    reason: request.reason,
    origin: request.origin,
  };
}
