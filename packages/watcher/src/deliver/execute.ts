import { actionType, type ActionContext, type ActionResult, type Notification } from '@vigil/actions';
import { createSecretResolver, VigilError, type Clock } from '@vigil/core';
import { redactSecrets } from '../run/redact.ts';

/** The services actions reach through their context (built once per worker process). */
export type ActionServices = Pick<ActionContext, 'elasticsearch' | 'mail' | 'fetch' | 'responders'>;

/** What running one action needs besides the notification. */
export interface ExecuteOptions {
  mode: ActionContext['mode'];
  attempt: number;
  clock: Clock;
  indexPrefix: string;
  services: ActionServices;
  log: (line: string) => void;
  /** Where secrets are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** An action's result, or the error it ended with, both with secrets scrubbed. */
export type ExecuteOutcome = { ok: true; result: ActionResult } | { ok: false; error: VigilError; detail?: unknown };

/**
 * Runs one notification's action. A fresh secret resolver per call reveals secrets only in
 * execute mode, and whatever it revealed is scrubbed from the result and from the error message,
 * so neither history, logs nor `--dry-run` output ever holds a secret value.
 */
export async function executeNotification(notification: Notification, options: ExecuteOptions): Promise<ExecuteOutcome> {
  const type = actionType(notification.action.type);
  if (type === undefined) return { ok: false, error: new VigilError('CONFIG_INVALID', `unknown action type "${notification.action.type}"`) };
  const secrets = createSecretResolver({ reveal: options.mode === 'execute', ...(options.env === undefined ? {} : { env: options.env }) });
  const context: ActionContext = {
    watch: notification.watch,
    alert: notification.alert,
    name: notification.action.name,
    mode: options.mode,
    notificationId: notification.id,
    kind: notification.kind,
    ...(notification.response === undefined ? {} : { response: notification.response }),
    attempt: options.attempt,
    clock: options.clock,
    indexPrefix: options.indexPrefix,
    secrets,
    ...options.services,
    log: (line) => options.log(secrets.scrub(line)),
  };
  try {
    // the options are the watch schema's validated output (defaults applied, durations in ms)
    const result = await type.execute(notification.action.options, context);
    return { ok: true, result: { ...result, ...(result.detail === undefined ? {} : { detail: redactSecrets(secrets.scrub(result.detail)) }), ...(result.error === undefined ? {} : { error: secrets.scrub(result.error) }) } };
  } catch (error) {
    const message = secrets.scrub((error as Error).message ?? String(error));
    const failure = error instanceof VigilError ? new VigilError(error.code, message) : new VigilError('INTERNAL', message);
    // an action may say what it decided before failing (block_ip: the refused address and why)
    const detail = (error as { detail?: unknown }).detail;
    return { ok: false, error: failure, ...(detail === undefined ? {} : { detail: redactSecrets(secrets.scrub(detail)) }) };
  }
}
