import { VigilError } from '@vigil/core';
import { z } from 'zod';
import { renderOption, scrubbedError, templateData, templateOption, timeoutOption } from '../http/options.ts';
import { checkHeaderValue, httpUrl, sendHttp, type HttpRequest } from '../http/send.ts';
import type { ActionType } from '../types.ts';

/** The default body: the watch, the alert, the kind and the notification id, as one JSON document. */
export const DEFAULT_WEBHOOK_BODY = '{"watch": {{json watch}}, "alert": {{json alert}}, "kind": "{{kind}}", "notification_id": "{{notification_id}}"}';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the action or HTTP itself sets. */
const RESERVED_HEADERS = new Set(['idempotency-key', 'content-length', 'host', 'transfer-encoding', 'connection']);

const options = z.strictObject({
  /** Where to send: a template rendered without escaping, then it must be an http(s) URL. */
  url: templateOption('Where to send: a template (it may hold {{secret "name"}}), rendered as is; the result must be an http(s) URL without credentials.').superRefine((text, ctx) => {
    if (text.includes('{{')) return;
    if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL, for example https://st2.example.org/api/v1/webhooks/ssh_enum_alert' });
  }),
  /** HTTP method (default POST). */
  method: z.enum(['POST', 'PUT']).default('POST').describe('HTTP method: POST (default) or PUT.'),
  /** Header name → value template; values are rendered on one line (CR, LF and control characters become spaces). */
  headers: z
    .record(z.string().meta({ pattern: HEADER_NAME.source }), templateOption('A header value template, for example {{secret "st2_api_key"}}; rendered on one line.'))
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not an HTTP header name (letters, digits and -, for example St2-Api-Key)' });
        else if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by Vigil or by HTTP itself and cannot be given' });
      }
    })
    .default({})
    .describe('Extra headers: name → value template (secrets as {{secret "name"}}). Content-Type defaults to application/json; Idempotency-Key is the notification id.'),
  /** A JSON document template: values are escaped as JSON string content; the result must parse as JSON. */
  body: templateOption(
    'The request body: a JSON template. {{x}} is escaped as the inside of a JSON string ("{{entity.[source.ip]}}"), {{json x}} writes any value as JSON; the result must parse as JSON. Default: {"watch", "alert", "kind", "notification_id"}.',
  ).optional(),
  timeout: timeoutOption(),
});

/**
 * Sends the alert as JSON to an HTTP endpoint (StackStorm, a SOAR, a ticketing system), with an
 * `Idempotency-Key` header equal to the notification id, so a retried delivery is recognisable.
 */
export const webhookAction: ActionType<typeof options> = {
  type: 'webhook',
  description: 'send the alert as JSON to an HTTP endpoint',
  options,
  async execute(opts, context) {
    try {
      const data = templateData(context);
      const urlText = renderOption('url', opts.url, data, 'none', context);
      // in simulate mode a secret in the URL is a placeholder, which need not make a valid URL
      const url = !context.secrets.reveal && urlText.includes('[secret:') ? urlText : httpUrl(urlText, 'url', context).href;
      const body = renderOption('body', opts.body ?? DEFAULT_WEBHOOK_BODY, data, 'json', context);
      try {
        JSON.parse(body);
      } catch (error) {
        throw new VigilError('CONFIG_INVALID', `body: the template did not render valid JSON: ${(error as Error).message}`);
      }
      const headers: Record<string, string> = {};
      for (const [name, template] of Object.entries(opts.headers)) {
        headers[name] = checkHeaderValue(name, renderOption(`headers.${name}`, template, data, 'header', context).replace(/[\r\n]/g, ' '));
      }
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      headers['Idempotency-Key'] = context.notificationId;
      const request: HttpRequest = { method: opts.method, url, headers, body };

      if (context.mode === 'simulate') return { status: 'simulated', detail: context.secrets.scrub({ request }) };
      const response = await sendHttp(request, { what: `webhook ${context.name}`, timeoutMs: opts.timeout, context });
      return { status: 'executed', detail: context.secrets.scrub({ request, response }) };
    } catch (error) {
      throw scrubbedError(error, context);
    }
  },
};
