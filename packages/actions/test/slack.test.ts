import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { VigilError, entityKey } from '@vigil/core';
import { freePort } from '@vigil/testkit';
import { slackAction } from '../src/slack/index.ts';
import type { ActionContext, ActionResult } from '../src/types.ts';
import { testActionContext, testAlertView, testWatchView } from './support/context.ts';
import { actionProblems } from './support/validate.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: string } | 'hang';

// a real HTTP peer on loopback standing in for hooks.slack.com
const requests: Received[] = [];
let answer: () => Answer;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    const a = answer();
    if (a !== 'hang') res.writeHead(a.status).end(a.body ?? '');
  });
});
const HOOK_PATH = '/services/T0001/B0001/s3cr3tWebhookToken';
let hookUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${HOOK_PATH}`;
});
beforeEach(() => {
  requests.length = 0;
  answer = () => ({ status: 200, body: 'ok' });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return testActionContext({ secretEnv: { VIGIL_SECRET_SLACK_OPS: hookUrl }, ...overrides });
}

function run(options: Record<string, unknown>, ctx: ActionContext = context()): Promise<ActionResult> {
  return slackAction.execute(slackAction.options.parse({ secret: 'slack_ops', ...options }), ctx);
}

interface Attachment {
  color: string;
  title: string;
  text: string;
  fallback: string;
  fields: { title: string; value: string; short: boolean }[];
}

/** The single attachment of the message the server received. */
function posted(): { message: Record<string, unknown>; attachment: Attachment; fields: Record<string, string> } {
  expect(requests).toHaveLength(1);
  const message = JSON.parse(requests[0]!.body) as { attachments: Attachment[] };
  const attachment = message.attachments[0]!;
  return { message, attachment, fields: Object.fromEntries(attachment.fields.map((f) => [f.title, f.value])) };
}

async function failure(options: Record<string, unknown>, ctx: ActionContext = context()): Promise<VigilError> {
  const error = await run(options, ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(VigilError);
  return error as VigilError;
}

describe('slack against a real HTTP server', () => {
  it('posts one attachment coloured by severity, with the alert as fields, to the URL from the secret', async () => {
    const result = await run({ channel: '#ops', username: 'Vigil', icon_emoji: ':rotating_light:' });
    expect(requests[0]).toMatchObject({ method: 'POST', url: HOOK_PATH });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    const { message, attachment, fields } = posted();
    expect(message).toMatchObject({ channel: '#ops', username: 'Vigil', icon_emoji: ':rotating_light:' });
    expect(attachment).toMatchObject({ color: 'danger', title: 'Port scan between two hosts', text: 'More than 50 ports in 30 s' });
    expect(fields).toEqual({ Severity: 'high', Time: '2026-11-22T09:49:30.000Z', 'source.ip': '198.51.100.23', 'destination.ip': '10.0.0.8', unique_ports: '734', syn_packets: '1000' });

    expect(result.status).toBe('executed');
    expect(result.detail).toMatchObject({ request: { method: 'POST', url: '[secret:slack_ops]', body: requests[0]!.body }, response: { status: 200, body: 'ok' } });
    expect(JSON.stringify(result.detail)).not.toContain('s3cr3tWebhookToken');
  });

  it('shows the seed 002 fields (agent, level, rule, time) from the entity and the payload', async () => {
    const entity = { 'source.ip': '58.218.92.1', 'agent.name': 'web01' };
    const payload = { 'rule.id': '5716', 'rule.name': 'SSHD authentication failed.', 'vigil.ossec.level': 10, summary: 'OSSEC rule 5716 on web01' };
    await run({}, context({ alert: testAlertView({ entity, entity_key: entityKey(entity), payload }) }));
    const { attachment, fields } = posted();
    expect(attachment.text).toBe('OSSEC rule 5716 on web01');
    expect(attachment.fields.map((f) => f.title)).toEqual(['Agent', 'Severity', 'Level', 'Rule', 'Time', 'source.ip']);
    expect(fields).toMatchObject({ Agent: 'web01', Level: '10', Rule: '5716 – SSHD authentication failed.', 'source.ip': '58.218.92.1' });
  });

  it.each([
    ['low', 'good'],
    ['medium', 'warning'],
    ['high', 'danger'],
    ['critical', '#8b0000'],
  ])('colours a %s alert %s', async (severity, color) => {
    await run({}, context({ watch: testWatchView({ severity }) }));
    expect(posted().attachment.color).toBe(color);
  });

  it('says resolved, in green', async () => {
    await run({}, context({ kind: 'resolve', watch: testWatchView({ severity: 'critical' }) }));
    const { attachment } = posted();
    expect(attachment.color).toBe('good');
    expect(attachment.title).toBe('Resolved: Port scan between two hosts');
    expect(attachment.text).toMatch(/^No longer matches/);
  });

  it('says in the default title what the responder did, for an on_response notification', async () => {
    const response = { outcome: 'blocked' as const, ip: '198.51.100.23', host: 'edge-1', at: '2026-11-22T09:50:01.000Z', request_id: 'blk-1-edge-1' };
    await run({}, context({ kind: 'response', response }));
    expect(posted().attachment.title).toBe('Blocked: 198.51.100.23 on edge-1 · Port scan between two hosts');
  });

  it('escapes event data for mrkdwn in templates and in fields: no link, no mention', async () => {
    const hostile = '<!channel> @here & <https://evil.example|click>';
    const entity = { 'source.ip': '198.51.100.23', 'user.name': hostile };
    await run({ title: 'Login by {{entity.[user.name]}}', text: '*{{entity.[user.name]}}* from `{{entity.[source.ip]}}`' }, context({ alert: testAlertView({ entity, entity_key: entityKey(entity) }) }));
    const { attachment, fields } = posted();
    const escaped = '&lt;!channel&gt; @\u200bhere &amp; &lt;https://evil.example|click&gt;';
    expect(attachment.title).toBe(`Login by ${escaped}`);
    expect(attachment.text).toBe(`*${escaped}* from \`198.51.100.23\``);
    expect(fields['user.name']).toBe(escaped);
    expect(requests[0]!.body).not.toMatch(/<!channel>|<https:|@here/);
  });

  it.each([
    [500, true],
    [429, true],
    [400, false],
    [404, false],
  ])('HTTP %i from Slack: transient %s', async (status, transient) => {
    answer = () => ({ status, body: status === 400 ? 'invalid_payload' : 'error' });
    const error = await failure({});
    expect(error.transient).toBe(transient);
    expect(error.message).not.toContain('s3cr3tWebhookToken');
  });

  it('a refused connection and a timeout are transient', async () => {
    const closed = await failure({}, testActionContext({ secretEnv: { VIGIL_SECRET_SLACK_OPS: `http://127.0.0.1:${await freePort()}/services/x` } }));
    expect(closed.transient).toBe(true);
    answer = () => 'hang';
    const slow = await failure({ timeout: '200ms' });
    expect(slow.transient).toBe(true);
    expect(slow.message).toContain('no answer within 200ms');
  });

  it('a missing secret, or one that is not a URL, fails permanently without showing its value', async () => {
    const missing = await failure({}, testActionContext());
    expect(missing).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect(missing.message).toContain('VIGIL_SECRET_SLACK_OPS');
    const notUrl = await failure({}, testActionContext({ secretEnv: { VIGIL_SECRET_SLACK_OPS: 'xoxb-not-a-url-0123' } }));
    expect(notUrl).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect(notUrl.message).not.toContain('xoxb-not-a-url-0123');
    expect(requests).toHaveLength(0);
  });

  it('simulate builds the message and sends nothing; the URL stays a placeholder', async () => {
    const result = await run({}, testActionContext({ mode: 'simulate' }));
    expect(result.status).toBe('simulated');
    expect(result.detail).toMatchObject({ request: { method: 'POST', url: '[secret:slack_ops]' } });
    expect(JSON.parse((result.detail as { request: { body: string } }).request.body)).toMatchObject({ attachments: [{ color: 'danger', title: 'Port scan between two hosts' }] });
    expect(requests).toHaveLength(0);
  });
});

/** Problems `vigil watch validate` would print for a watch with this action, `[]` when valid. */
const problems = (action: string): string[] => actionProblems('chat', 'slack', action);

describe('slack options', () => {
  it('accepts a secret name and the optional overrides, and applies defaults', () => {
    expect(problems("secret: slack_ops\nchannel: '#ops'\nusername: Vigil\nicon_emoji: ':rotating_light:'\ntitle: '{{watch.name}}'\ntimeout: 5s")).toEqual([]);
    expect(slackAction.options.parse({ secret: 'slack_ops' })).toEqual({ secret: 'slack_ops', timeout: 10_000 });
  });

  it('rejects unknown keys at their file:line', () => {
    expect(problems('secret: slack_ops\nwebhook_url: https://hooks.slack.com/services/x')).toEqual(['watches/test/notify.yaml:13: actions.chat.webhook_url: unknown key']);
  });

  it.each([
    ['no secret', "channel: '#ops'"],
    ['a URL where the secret name goes', 'secret: https://hooks.slack.com/services/T0/B0/x'],
    ['a bad channel', "secret: slack_ops\nchannel: 'ops room'"],
    ['a bad emoji', 'secret: slack_ops\nicon_emoji: siren'],
    ['a bad timeout', 'secret: slack_ops\ntimeout: soon'],
    ['a template syntax error', "secret: slack_ops\ntext: '{{/if}}'"],
  ])('rejects %s', (_what, action) => {
    expect(problems(action)).not.toEqual([]);
  });
});
