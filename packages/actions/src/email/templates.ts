// The email action's default templates, over the view of email/view.ts (mailView). Short lines and
// the most important facts first: they are read on a phone.

/** Rendered with `header` escaping, then CR/LF stripped: one line whatever the event data holds. */
export const DEFAULT_SUBJECT = '{{#if response}}{{#if blocked}}Blocked{{else}}NOT blocked ({{response.outcome}}){{/if}}: {{response.ip}} on {{response.host}} · {{/if}}{{#if resolved}}Resolved: {{/if}}[Vigil {{severity}}] {{watch.name}}{{#if headline}}: {{headline}}{{/if}}';

/** The text part, rendered without escaping (it is plain text). */
export const DEFAULT_TEXT = `{{#if response}}
{{#if blocked}}
BLOCKED: the responder on {{response.host}} blocks {{response.ip}}{{#if response.expires}} until {{response.expires}}{{/if}}.
{{else}}
NOT BLOCKED: the responder on {{response.host}} did not block {{response.ip}}: {{response.outcome}}{{#if response.error}} ({{response.error}}){{/if}}.
{{/if}}

{{/if}}{{#if resolved}}
RESOLVED: {{watch.name}}
{{#if headline}}
{{headline}}
{{/if}}
No longer matches: the window {{when.window_from}} – {{when.window_to}} found nothing for it.
{{else}}
{{severity}}: {{watch.name}}
{{#if headline}}
{{headline}}
{{/if}}
{{/if}}
{{#if payload.summary}}

{{payload.summary}}
{{/if}}

{{#each facts}}
{{name}}: {{value}}
{{/each}}

Window: {{when.window_from}} – {{when.window_to}}
First seen: {{when.first_seen}}
Last seen: {{when.last_seen}}
Matched in {{alert.count}} window(s) of episode {{alert.episode}}.
{{#if watch.description}}

{{watch.description}}
{{/if}}
{{#unless resolved}}

Acknowledge (no more notifications for this entity until it resolves):
{{ack_command}}
{{/unless}}

--
Vigil · watch {{watch.id}} · alert {{alert.id}}
`;

const ROW_NAME = 'padding:4px 12px 4px 0;color:#59636e;vertical-align:top;white-space:nowrap;';
const ROW_VALUE = 'padding:4px 0;vertical-align:top;word-break:break-all;';
// width and height attributes for clients that ignore CSS (Outlook), max-width for a phone
const IMAGE = 'display:block;max-width:100%;height:auto;border:0;';

/**
 * The HTML part, rendered with HTML escaping; inline styles only, one narrow column. Inline chart
 * attachments (`images`) follow the figures, each `cid:<filename>` with its title as alt text.
 */
export const DEFAULT_HTML = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.45;color:#1f2328;">
<div style="max-width:600px;margin:0 auto;">
{{#if resolved}}
<p style="margin:0 0 8px;"><span style="display:inline-block;padding:2px 8px;border-radius:4px;background:#1a7f37;color:#ffffff;font-weight:bold;">RESOLVED</span></p>
{{else}}
<p style="margin:0 0 8px;"><span style="display:inline-block;padding:2px 8px;border-radius:4px;background:{{severity_colour}};color:#ffffff;font-weight:bold;">{{severity}}</span></p>
{{/if}}
{{#if response}}
<p style="margin:0 0 12px;font-weight:bold;">{{#if blocked}}Blocked: the responder on {{response.host}} blocks {{response.ip}}{{#if response.expires}} until {{response.expires}}{{/if}}.{{else}}NOT blocked: the responder on {{response.host}} did not block {{response.ip}}: {{response.outcome}}{{#if response.error}} ({{response.error}}){{/if}}.{{/if}}</p>
{{/if}}
<h1 style="margin:0 0 4px;font-size:20px;">{{watch.name}}</h1>
{{#if headline}}
<p style="margin:0 0 12px;font-size:18px;font-weight:bold;word-break:break-all;">{{headline}}</p>
{{/if}}
{{#if resolved}}
<p style="margin:0 0 12px;">No longer matches: the window {{when.window_from}} – {{when.window_to}} found nothing for it.</p>
{{/if}}
{{#if payload.summary}}
<p style="margin:0 0 12px;">{{payload.summary}}</p>
{{/if}}
<table role="presentation" style="border-collapse:collapse;margin:0 0 12px;font-size:15px;">
{{#each facts}}
<tr><td style="${ROW_NAME}">{{name}}</td><td style="${ROW_VALUE}">{{value}}</td></tr>
{{/each}}
<tr><td style="${ROW_NAME}">Window</td><td style="${ROW_VALUE}">{{when.window_from}} – {{when.window_to}}</td></tr>
<tr><td style="${ROW_NAME}">First seen</td><td style="${ROW_VALUE}">{{when.first_seen}}</td></tr>
<tr><td style="${ROW_NAME}">Last seen</td><td style="${ROW_VALUE}">{{when.last_seen}}</td></tr>
</table>
{{#each images}}
<p style="margin:0 0 12px;"><img src="cid:{{cid}}" alt="{{alt}}" width="{{width}}" height="{{height}}" style="${IMAGE}"></p>
{{/each}}
<p style="margin:0 0 12px;color:#59636e;">Matched in {{alert.count}} window(s) of episode {{alert.episode}}.{{#if watch.description}} {{watch.description}}{{/if}}</p>
{{#unless resolved}}
<p style="margin:0 0 4px;">Acknowledge (no more notifications for this entity until it resolves):</p>
<pre style="margin:0 0 12px;padding:8px;background:#f6f8fa;border-radius:4px;font-size:13px;white-space:pre-wrap;word-break:break-all;">{{ack_command}}</pre>
{{/unless}}
<p style="margin:16px 0 0;color:#59636e;font-size:12px;">Vigil · watch {{watch.id}} · alert {{alert.id}}</p>
</div>
</body>
</html>
`;
