import { z } from 'zod';
import { parseAddress, quoteForMessage, type CanonicalAddress } from './address.ts';
import { REQUEST_ID, type BlockRequest } from './protocol.ts';

/** A request that passed every check: the address is canonical, the duration within bounds. */
export interface ValidRequest {
  request: BlockRequest;
  address: CanonicalAddress;
}

/** What {@link validateRequest} decided: the request, or why it is refused (nothing is run). */
export type RequestCheck = { ok: true; valid: ValidRequest } | { ok: false; reason: string };

/** Longest `reason`, `watch_id` and `alert_id` accepted (they are audit text, never run). */
const MAX_TEXT = 10_000;

const isoDate = z.string().max(64).refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date');

function requestSchema(maxDurationMs: number) {
  return z.strictObject({
    id: z.string().regex(REQUEST_ID, 'must be 1-200 letters, digits or . _ : @ + = -, starting with a letter or digit'),
    action: z.enum(['block', 'unblock']),
    ip: z.string(),
    duration_ms: z
      .number()
      .int('must be a whole number of milliseconds')
      .positive('must be positive')
      .max(maxDurationMs, `must be at most ${maxDurationMs} ms (max_duration in the responder's configuration)`)
      .optional(),
    step: z.number().int().nonnegative().optional(),
    watch_id: z.string().max(MAX_TEXT).optional(),
    alert_id: z.string().max(MAX_TEXT).optional(),
    reason: z.string().max(MAX_TEXT),
    requested: isoDate,
    origin: z.enum(['watch', 'cli']),
  });
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => quoteForMessage(k, 40)).join(', ')}`;
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Checks a job's data against {@link BlockRequest}, strictly: the address is parsed first, then
 * every field (unknown keys, wrong types, a duration that is not a positive whole number of ms or
 * exceeds `maxDurationMs`, a duration on an unblock, none on a block). Never throws.
 */
export function validateRequest(data: unknown, maxDurationMs: number): RequestCheck {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: `a request must be an object, got ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data}` };
  const address = parseAddress((data as { ip?: unknown }).ip);
  if (!address.ok) return { ok: false, reason: address.reason };
  const parsed = requestSchema(maxDurationMs).safeParse(data);
  if (!parsed.success) return { ok: false, reason: `invalid request: ${describeIssues(parsed.error.issues)}` };
  const request = parsed.data as BlockRequest;
  if (request.action === 'block' && request.duration_ms === undefined) return { ok: false, reason: 'invalid request: duration_ms is required to block' };
  if (request.action === 'unblock' && request.duration_ms !== undefined) return { ok: false, reason: 'invalid request: duration_ms is for blocks only' };
  return { ok: true, valid: { request, address: address.address } };
}
