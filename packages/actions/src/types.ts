import type { Client } from '@elastic/elasticsearch';
import type { ActionStatus, AlertState, Clock, NotificationKind, SecretResolver } from '@vigil/core';
import type { Transporter } from 'nodemailer';
import type { z } from 'zod';

/** The alert an action is run for, as templates and action code see it. */
export interface AlertView {
  /** `<watch>:<hash of entity>`: stable across runs for one entity. */
  id: string;
  entity: Record<string, unknown>;
  entity_key: string;
  state: AlertState;
  episode: number;
  count: number;
  first_seen: string;
  last_seen: string;
  payload: Record<string, unknown>;
  window: { from: string; to: string };
}

/** The watch an action is run for, as templates see it (`{{watch.name}}`). */
export interface WatchView {
  id: string;
  name: string;
  description: string;
  severity: string;
  tags: string[];
  metadata: Record<string, unknown>;
}

/**
 * A responder's report on a block, as `on_response` actions see it (`{{response.outcome}}`):
 * `blocked` (in place, until `expires`), `refused` (nothing run: allowlisted or malformed address)
 * or `failed` (the backend failed; `error` says why).
 */
export interface ResponseView {
  outcome: 'blocked' | 'refused' | 'failed';
  ip: string;
  /** The protected host whose responder reported. */
  host: string;
  /** When the responder reported (ISO). */
  at: string;
  request_id: string;
  expires?: string;
  duration_ms?: number;
  /** 0 for a first offence, n for the n-th repeat-offender step. */
  step?: number;
  backend?: string;
  error?: string;
}

/** What an alert asks of one action: it is the data of a delivery job, so it holds no secret values. */
export interface Notification {
  /**
   * Deterministic from (watch, entity, window, action, kind): the delivery job id, the email
   * `Message-ID`, the webhook `Idempotency-Key`, the block request id. A resend carries the same one.
   */
  id: string;
  /**
   * `notify`: the alert fired; `resolve`: it resolved (`on_resolve` actions); `response`: a responder
   * reported on a block the alert's `block_ip` requested (`on_response` actions, with `response`).
   */
  kind: NotificationKind;
  /** What the responder reported, for `kind: response` only. */
  response?: ResponseView;
  watch: WatchView;
  alert: AlertView;
  /** The action as the watch defines it: name, type and validated options (secret names only). */
  action: { name: string; type: string; options: Record<string, unknown> };
  /** When the run decided it (ISO); the delivery deadline counts from here. */
  created: string;
}

/**
 * Where `block_ip` sends block requests. The action decides (address, duration with escalation),
 * the dispatcher carries the request to each protected host's responder and keeps the audit.
 */
export interface ResponderDispatch {
  /** Hosts that run a responder (they announce themselves), the `responders` default. */
  hosts(): Promise<string[]>;
  /**
   * Blocks of `ip` requested since `since` (ISO), for repeat-offender escalation, newest first,
   * read from the audit index so that it survives restarts.
   */
  previousBlocks(ip: string, since: string): Promise<{ requested: string; duration_ms: number; step: number }[]>;
  /** Sends one request to one host's responder queue; idempotent by `request.id`. */
  send(host: string, request: import('@vigil/responder/protocol').BlockRequest): Promise<void>;
}

/** Everything an action may use; actions get services from here, never from globals. */
export interface ActionContext {
  watch: WatchView;
  alert: AlertView;
  /** The action's name in the watch (the key under `actions`). */
  name: string;
  /** `simulate`: build everything (rendered text, target, request) but send nothing, change nothing. */
  mode: 'execute' | 'simulate';
  /** See {@link Notification.id}. */
  notificationId: string;
  kind: Notification['kind'];
  /** The responder's report, for `kind: response`. */
  response?: ResponseView;
  /** 1 for the first delivery attempt. */
  attempt: number;
  clock: Clock;
  indexPrefix: string;
  /** Resolves `secret:` options and `{{secret "name"}}`; placeholders in simulate mode. */
  secrets: SecretResolver;
  elasticsearch?: Client;
  /**
   * The SMTP transport (`VIGIL_SMTP_URL`), the default sender (`VIGIL_SMTP_FROM`) and the default
   * recipients, the security team (`VIGIL_SMTP_TO`), for an email action that names none.
   */
  mail?: { transport: Transporter; from: string; to?: readonly string[] };
  /** HTTP client for webhook and Slack; default the global `fetch`. */
  fetch?: typeof fetch;
  responders?: ResponderDispatch;
  log: (line: string) => void;
}

/**
 * An action's typed result; `detail` goes into watch history and `--dry-run` output, so it must say
 * what was (or would be) sent — rendered subject and bodies, the HTTP request, the block decision.
 * Secret values in it are replaced by `[secret:<name>]` by the caller ({@link SecretResolver.scrub}).
 */
export interface ActionResult {
  status: Extract<ActionStatus, 'executed' | 'simulated' | 'failed'>;
  detail?: unknown;
  error?: string;
}

/**
 * An action type: its options schema (strict; `type` and `condition` are added by the watch schema)
 * and how to run it.
 *
 * `execute` either returns a result or throws; the error class decides retrying (see errors.ts):
 * a VigilError whose `transient` is true (`SERVICE_UNAVAILABLE`: connection refused, timeout, SMTP
 * 4xx, HTTP 408/429/5xx) is retried with backoff until the delivery deadline; anything else
 * (`SERVICE_REJECTED`: SMTP 5xx, other HTTP 4xx; `CONFIG_INVALID`: a bad template result, a missing
 * secret) fails the notification at once. A returned `failed` result is permanent too.
 */
export interface ActionType<S extends z.ZodObject = z.ZodObject> {
  type: string;
  description: string;
  options: S;
  execute(options: z.output<S>, context: ActionContext): Promise<ActionResult>;
}
