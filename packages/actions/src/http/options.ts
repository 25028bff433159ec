import { VigilError, durationSchema, templateSchema } from '@vigil/core';
import { render, type EscapeMode } from '../template.ts';
import type { ActionContext } from '../types.ts';

// Option and rendering helpers shared by the notification actions (email, slack, webhook) and block_ip.

/** A Handlebars template option, checked for syntax when the watch is loaded (so `file:line` names it). */
export function templateOption(description: string) {
  return templateSchema.describe(description);
}

/** The `timeout` option of the HTTP actions: text in the watch, milliseconds once validated. */
export function timeoutOption() {
  return durationSchema({ min: 100, max: 300_000, description: 'How long to wait for the whole answer (default 10s); no answer in time is a transient failure.' }).prefault('10s');
}

/**
 * What every notification template sees: `{{watch.name}}`, `{{alert.entity_key}}`, the alert's
 * `entity`, `payload` and `window` at the top level (`{{entity.[source.ip]}}`), `kind`,
 * `resolved` (true for an `on_resolve` notification), `response` (what a responder reported, for an
 * `on_response` notification; `blocked` true when it says the block is in place) and `notification_id`.
 */
export function templateData(context: ActionContext): Record<string, unknown> {
  const { watch, alert } = context;
  return {
    watch,
    alert,
    entity: alert.entity,
    payload: alert.payload,
    window: alert.window,
    metadata: watch.metadata,
    kind: context.kind,
    resolved: context.kind === 'resolve',
    response: context.response,
    blocked: context.response?.outcome === 'blocked',
    notification_id: context.notificationId,
  };
}

/**
 * Renders one option's template with the action's secrets. A template that cannot render (an
 * unknown helper, a bad helper argument) fails for good, naming the option; a VigilError from a
 * secret (not set) passes through as it is.
 */
export function renderOption(option: string, template: string, data: unknown, escape: EscapeMode, context: ActionContext): string {
  try {
    return render(template, data, { escape, secrets: context.secrets });
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('CONFIG_INVALID', `${option}: the template does not render: ${context.secrets.scrub((error as Error).message)}`, { cause: error });
  }
}

/** A copy of `error` whose message holds no revealed secret value (the cause is kept for logs). */
export function scrubbedError(error: unknown, context: ActionContext): unknown {
  if (!(error instanceof VigilError)) return error;
  const message = context.secrets.scrub(error.message);
  return message === error.message ? error : new VigilError(error.code, message, { cause: error.cause, ...(error.location === undefined ? {} : { location: error.location }) });
}
