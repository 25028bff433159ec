import { SECRET_NAME } from '@vigil/core';
import { z } from 'zod';
import { renderOption, scrubbedError, templateData, templateOption, timeoutOption } from '../http/options.ts';
import { httpUrl, sendHttp, type HttpRequest } from '../http/send.ts';
import { render } from '../template.ts';
import type { ActionContext, ActionType } from '../types.ts';

export const DEFAULT_SLACK_TITLE =
  '{{#if response}}{{#if blocked}}Blocked{{else}}NOT blocked ({{response.outcome}}){{/if}}: {{response.ip}} on {{response.host}} · {{/if}}{{#if resolved}}Resolved: {{/if}}{{watch.name}}';
export const DEFAULT_SLACK_TEXT =
  '{{#if resolved}}No longer matches (window {{window.from}} – {{window.to}}). {{/if}}{{#if payload.summary}}{{payload.summary}}{{else}}{{watch.description}}{{/if}}';

/** Attachment colour by watch severity; a resolved alert is green. */
const COLOURS: Record<string, string> = { low: 'good', medium: 'warning', high: 'danger', critical: '#8b0000' };

/** Where the seed-002 fields come from, first found wins: the alert's entity, then its payload. */
const HOST_FIELDS = [
  ['Host', 'host.name'],
  ['Host', 'host.hostname'],
  ['Agent', 'agent.name'],
  ['Host', 'host'],
] as const;
const LEVEL_FIELDS = ['vigil.ossec.level', 'rule.level', 'event.severity', 'level'];

const options = z.strictObject({
  /** Name of the secret that holds the incoming-webhook URL (`VIGIL_SECRET_<NAME>`), never the URL itself. */
  secret: z
    .string()
    .regex(SECRET_NAME, 'must be a secret name (lower-case letters, digits and _), for example slack_ops; the URL goes in VIGIL_SECRET_SLACK_OPS')
    .describe('Name of the secret holding the incoming-webhook URL (VIGIL_SECRET_<NAME> or the secrets file), never the URL itself.'),
  /** Channel override, `#ops` (legacy webhooks only: an app's webhook posts to its own channel). */
  channel: z
    .string()
    .regex(/^[#@]?[A-Za-z0-9._-]{1,80}$/, 'must be a channel such as #ops or a channel id')
    .optional()
    .describe('Channel override such as #ops (honoured by legacy incoming webhooks only).'),
  /** Sender name override (legacy webhooks only). */
  username: z
    .string()
    .regex(/^[^\u0000-\u001f\u007f]{1,80}$/, 'must be 1-80 characters on one line')
    .optional()
    .describe('Sender name override (legacy incoming webhooks only).'),
  /** Sender icon override, `:rotating_light:` (legacy webhooks only). */
  icon_emoji: z
    .string()
    .regex(/^:[a-z0-9_+'-]+:$/, 'must be an emoji code such as :rotating_light:')
    .optional()
    .describe('Sender icon override such as :rotating_light: (legacy incoming webhooks only).'),
  /** Attachment title template (mrkdwn-escaped); default "[Resolved: ]<watch name>". */
  title: templateOption('Attachment title template; values are escaped for Slack mrkdwn. Default: "Resolved: " when resolved, then the watch name.').optional(),
  /** Attachment text template (mrkdwn-escaped); default the payload's `summary`, else the watch description. */
  text: templateOption("Attachment text template; values are escaped for Slack mrkdwn. Default: the payload's summary, else the watch description.").optional(),
  timeout: timeoutOption(),
});

/** A value from the alert's entity or payload: a flat `a.b` key first, then the nested path. */
function lookup(context: ActionContext, path: string): unknown {
  for (const source of [context.alert.entity, context.alert.payload]) {
    if (source[path] !== undefined && source[path] !== null) return source[path];
    let v: unknown = source;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (v !== undefined && v !== null && typeof v !== 'object') return v;
  }
  return undefined;
}

/** A value we place ourselves, escaped as render's `mrkdwn` mode escapes template values. */
function mrkdwn(value: string): string {
  return render('{{v}}', { v: value }, { escape: 'mrkdwn' });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface Field {
  title: string;
  value: string;
  short: boolean;
}

/**
 * The fields seed 002's Logstash output showed (agent or host, level, rule, time), then the
 * entity's fields and the payload's figures; every value escaped for mrkdwn.
 */
function fields(context: ActionContext): Field[] {
  const out: Field[] = [];
  const shown = new Set<string>(['summary']);
  const add = (title: string, value: unknown, source?: string) => {
    if (source !== undefined) shown.add(source);
    out.push({ title: mrkdwn(title), value: mrkdwn(text(value)), short: true });
  };
  const host = HOST_FIELDS.find(([, path]) => lookup(context, path) !== undefined);
  if (host !== undefined) add(host[0], lookup(context, host[1]), host[1]);
  add('Severity', context.watch.severity);
  const level = LEVEL_FIELDS.find((path) => lookup(context, path) !== undefined);
  if (level !== undefined) add('Level', lookup(context, level), level);
  const ruleId = lookup(context, 'rule.id');
  const ruleName = lookup(context, 'rule.name');
  if (ruleId !== undefined || ruleName !== undefined) {
    shown.add('rule.id').add('rule.name');
    add('Rule', [ruleId, ruleName].filter((v) => v !== undefined).map(text).join(' – '));
  }
  add('Time', context.kind === 'resolve' ? context.alert.window.to : context.alert.last_seen);
  for (const [name, value] of Object.entries(context.alert.entity)) if (!shown.has(name)) add(name, value, name);
  for (const [name, value] of Object.entries(context.alert.payload)) {
    if (!shown.has(name) && (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 100))) add(name, value, name);
  }
  return out;
}

/**
 * Posts the alert to a Slack incoming webhook: one attachment coloured by severity (green when
 * resolved) with a title, a text and fields. The webhook URL is a secret, named in the watch.
 */
export const slackAction: ActionType<typeof options> = {
  type: 'slack',
  description: 'post the alert to a Slack incoming webhook',
  options,
  async execute(opts, context) {
    try {
      const data = templateData(context);
      const title = renderOption('title', opts.title ?? DEFAULT_SLACK_TITLE, data, 'mrkdwn', context);
      const message = {
        ...(opts.channel === undefined ? {} : { channel: opts.channel }),
        ...(opts.username === undefined ? {} : { username: opts.username }),
        ...(opts.icon_emoji === undefined ? {} : { icon_emoji: opts.icon_emoji }),
        attachments: [
          {
            fallback: title,
            color: context.kind === 'resolve' ? 'good' : (COLOURS[context.watch.severity] ?? 'warning'),
            title,
            text: renderOption('text', opts.text ?? DEFAULT_SLACK_TEXT, data, 'mrkdwn', context),
            fields: fields(context),
            footer: `Vigil · ${context.watch.id}`,
            ts: Math.floor(Date.parse(context.kind === 'resolve' ? context.alert.window.to : context.alert.last_seen) / 1000),
            mrkdwn_in: ['text', 'fields'],
          },
        ],
      };
      const url = context.secrets.get(opts.secret);
      if (context.secrets.reveal) httpUrl(url, `secret "${opts.secret}"`, context);
      const request: HttpRequest = { method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message) };

      if (context.mode === 'simulate') return { status: 'simulated', detail: context.secrets.scrub({ request }) };
      const response = await sendHttp(request, { what: `slack ${context.name}`, timeoutMs: opts.timeout, context });
      return { status: 'executed', detail: context.secrets.scrub({ request, response }) };
    } catch (error) {
      throw scrubbedError(error, context);
    }
  },
};
