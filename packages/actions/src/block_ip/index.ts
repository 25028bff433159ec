import { VigilError } from '@vigil/core';
import type { BlockRequest } from '@vigil/responder/protocol';
import { permanentFailure } from '../errors.ts';
import { render } from '../template.ts';
import type { ActionContext, ActionResult, ActionType } from '../types.ts';
import { parseIpAddress } from './address.ts';
import { refusedDocument, writeAuditDocument } from './audit.ts';
import { escalate, offenceWindow, type Escalation } from './escalation.ts';
import { blockIpOptions, type BlockIpOptions } from './options.ts';
import { blockDecisionId, requestIdFor } from './request.ts';

/** What `block_ip` decided: its result's `detail`, in history and in `--dry-run` output. */
export interface BlockDecision {
  ip: string;
  step: number;
  duration_ms: number;
  hosts: string[];
  /** One request id per host, in the order of `hosts`. */
  requests: string[];
  reason: string;
  /** Earlier blocks of the address within the look-back (what `step` was counted from). */
  previous_blocks: number;
  /** Hosts named in `responders` that have not announced a responder: their requests wait in their queues. */
  unannounced?: string[];
  /** Set when the decision could not be complete (a simulation without a responder dispatch). */
  note?: string;
}

/** What a malformed address leaves in history and in the audit. */
export interface BlockRefusal {
  refused: string;
  reason: string;
}

const MAX_REASON = 500;
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const NO_RESPONDER = 'no responder is running: start one on each protected host with `vigil responder` (it announces itself, and block_ip then reaches it)';

function templateData(context: ActionContext) {
  return { watch: context.watch, alert: context.alert, entity: context.alert.entity, payload: context.alert.payload, window: context.alert.window };
}

/** A template option as plain text (no escaping: what it must be is checked next). */
function renderOption(name: string, text: string, context: ActionContext): string {
  try {
    return render(text, templateData(context), { escape: 'none' });
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `block_ip ${name}: ${(cause as Error).message}`, { cause });
  }
}

/** The reason on one line (it may end up in a hosts.deny comment or a log line), bounded. */
function renderReason(options: BlockIpOptions, context: ActionContext): string {
  return renderOption('reason', options.reason, context).replace(CONTROL, ' ').trim().slice(0, MAX_REASON);
}

/** Records the refusal when it can (execute mode with Elasticsearch), then fails for good: retrying cannot fix an address. */
async function refuse(text: string, why: string, reason: string, context: ActionContext): Promise<ActionResult> {
  const detail: BlockRefusal = { refused: text.slice(0, 200), reason: why };
  const message = `block_ip refused ${JSON.stringify(detail.refused)}: ${why}`;
  if (context.mode === 'simulate') return { status: 'failed', error: message, detail };
  if (context.elasticsearch !== undefined) {
    const document = refusedDocument({ decision_id: blockDecisionId(context.notificationId), ip: detail.refused, reason, watch_id: context.watch.id, alert_id: context.alert.id, at: context.clock.now().toISOString(), error: message });
    try {
      await writeAuditDocument(context.elasticsearch, context.indexPrefix, document);
    } catch (error) {
      context.log(`watch ${context.watch.id} action ${context.name}: could not record the refusal in the audit: ${(error as Error).message}`);
    }
  }
  throw Object.assign(permanentFailure(message), { detail });
}

/** The hosts to reach: `responders`, or every announced one; and which named ones have not announced themselves. */
async function targetHosts(options: BlockIpOptions, context: ActionContext): Promise<{ hosts: string[]; unannounced: string[] }> {
  const dispatch = context.responders;
  if (dispatch === undefined) return { hosts: options.responders ?? [], unannounced: [] };
  const announced = await dispatch.hosts();
  if (options.responders === undefined) return { hosts: [...announced].sort(), unannounced: [] };
  return { hosts: options.responders, unannounced: options.responders.filter((h) => !announced.includes(h)) };
}

async function escalation(options: BlockIpOptions, context: ActionContext, ip: string): Promise<Escalation> {
  const ladder = [options.duration, ...options.repeated_offenders];
  const window = offenceWindow(context.alert.window.to, options.lookback);
  const previous = context.responders === undefined ? [] : await context.responders.previousBlocks(ip, window.since);
  return escalate(ladder, previous, window);
}

/** The full decision for a valid address: step, duration, hosts and request ids. Reads, never sends. */
async function decide(options: BlockIpOptions, context: ActionContext, ip: string, reason: string): Promise<BlockDecision> {
  const { step, duration_ms, previous } = await escalation(options, context, ip);
  const { hosts, unannounced } = await targetHosts(options, context);
  const decision = blockDecisionId(context.notificationId);
  return {
    ip,
    step,
    duration_ms,
    hosts,
    requests: hosts.map((h) => requestIdFor(decision, h)),
    reason,
    previous_blocks: previous,
    ...(unannounced.length === 0 ? {} : { unannounced }),
    ...(context.responders === undefined ? { note: 'no responder dispatch: the default hosts and earlier blocks are unknown' } : {}),
  };
}

/** A dry run's result: what would be sent, or that nothing could be (no responder known). */
function simulated(decision: BlockDecision): ActionResult {
  if (decision.hosts.length === 0 && decision.note === undefined) return { status: 'failed', error: NO_RESPONDER, detail: decision };
  return { status: 'simulated', detail: decision };
}

function requestTo(decision: BlockDecision, index: number, context: ActionContext, requested: string): BlockRequest {
  return {
    id: decision.requests[index]!,
    action: 'block',
    ip: decision.ip,
    duration_ms: decision.duration_ms,
    step: decision.step,
    watch_id: context.watch.id,
    alert_id: context.alert.id,
    reason: decision.reason,
    requested,
    origin: 'watch',
  };
}

/**
 * Decides a block of the alert's address and hands one request per protected host to the
 * responder dispatch; it runs no firewall command itself. The address is rendered, then parsed and
 * canonicalized (anything but exactly one address is refused, and the refusal audited); the
 * duration climbs the repeat-offender ladder with each earlier block of the address within the
 * look-back; request ids are deterministic, so a retried delivery sends the same requests again.
 */
export const blockIpAction: ActionType<typeof blockIpOptions> = {
  type: 'block_ip',
  description: "block the alert's address on the protected hosts, through their responders",
  options: blockIpOptions,
  async execute(options, context) {
    const text = renderOption('ip', options.ip, context);
    const reason = renderReason(options, context);
    const address = parseIpAddress(text);
    if (!address.ok) return refuse(text, address.reason, reason, context);
    if (context.mode === 'simulate') return simulated(await decide(options, context, address.ip, reason));
    const dispatch = context.responders;
    if (dispatch === undefined) throw permanentFailure('block_ip needs the responder dispatch (Redis), and this worker was started without it');
    const decision = await decide(options, context, address.ip, reason);
    if (decision.hosts.length === 0) throw permanentFailure(NO_RESPONDER);
    if (decision.unannounced !== undefined) context.log(`watch ${context.watch.id} action ${context.name}: no responder has announced itself on ${decision.unannounced.join(', ')}; the requests wait in their queues`);
    const requested = context.clock.now().toISOString();
    for (const [i, host] of decision.hosts.entries()) await dispatch.send(host, requestTo(decision, i, context, requested));
    return { status: 'executed', detail: decision };
  },
};

export { blockIpOptions, DEFAULT_REASON, DEFAULT_REPEATED_OFFENDERS, type BlockIpOptions } from './options.ts';
export { parseIpAddress, canonicalIp, type ParsedAddress } from './address.ts';
export { blockDecisionId, unblockDecisionId, requestIdFor, decisionOf } from './request.ts';
export { escalate, offenceWindow, type Escalation, type PreviousBlock } from './escalation.ts';
export { requestedDocument, refusedDocument, writeAuditDocument, responsesIndex, responsesPattern, type ResponseAuditDocument } from './audit.ts';
