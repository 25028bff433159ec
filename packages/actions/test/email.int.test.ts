import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { VigilError, entityKey } from '@vigil/core';
import { listMessages, repoRoot, serviceEnv, waitForMessage, type MessageDetail } from '@vigil/testkit';
import { emailAction } from '../src/email/index.ts';
import { createMailTransport } from '../src/index.ts';
import type { ActionContext, ActionResult } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';

const env = serviceEnv(repoRoot());
const transport = createMailTransport(env.VIGIL_SMTP_URL);
const mail = { transport, from: 'Vigil <vigil@example.org>' };

afterAll(() => transport.close());

/** A context whose notification id is unique, so the captured message is found by its Message-ID. */
function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return testActionContext({ mail, notificationId: `n-${randomUUID()}`, ...overrides });
}

/** The test alert with another entity (and its canonical key). */
function alertOf(entity: Record<string, unknown>) {
  return testAlertView({ entity, entity_key: entityKey(entity) });
}

function run(options: Record<string, unknown>, ctx: ActionContext): Promise<ActionResult> {
  return emailAction.execute(emailAction.options.parse(options), ctx);
}

function received(ctx: ActionContext): Promise<MessageDetail> {
  return waitForMessage(env.VIGIL_MAIL_API_URL, (m) => m.MessageID === `${ctx.notificationId}@vigil.local`);
}

/** The decoded body of the MIME part whose headers name `filename`, from the raw message. */
async function attachment(id: string, filename: string): Promise<{ headers: string; body: string }> {
  const raw = await (await fetch(`${env.VIGIL_MAIL_API_URL}/api/v1/message/${id}/raw`)).text();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (boundary === undefined) throw new Error('not a multipart message');
  const part = raw.split(`--${boundary}`).find((p) => p.includes(`filename=${filename}`));
  if (part === undefined) throw new Error(`no part named ${filename}`);
  const [headers = '', body = ''] = part.split(/\r\n\r\n/, 2);
  return { headers, body: /content-transfer-encoding:\s*base64/i.test(headers) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body };
}

describe('email through the real SMTP capture server', () => {
  it('sends the default mail: attacker and target in subject and body, the ack command, the derived Message-ID', async () => {
    const ctx = context();
    const result = await run({ to: ['soc@example.org'] }, ctx);
    expect(result.status).toBe('executed');

    const message = await received(ctx);
    expect(message.MessageID).toBe(`${ctx.notificationId}@vigil.local`);
    expect(message.Subject).toBe('[Vigil HIGH] Port scan between two hosts: 198.51.100.23 → 10.0.0.8');
    expect(message.From).toEqual({ Name: 'Vigil', Address: 'vigil@example.org' });
    expect(message.Text).toContain('Attacker: 198.51.100.23');
    expect(message.Text).toContain('Target: 10.0.0.8');
    expect(message.Text).toContain('unique_ports: 734');
    expect(message.Text).toContain('Window: 2026-11-22 09:49:00 UTC – 2026-11-22 09:49:30 UTC');
    expect(message.Text).toContain(`vigil watch ack network.discovery_portscan --entity '{"destination.ip":"10.0.0.8","source.ip":"198.51.100.23"}'`);
    expect(message.HTML).toContain('198.51.100.23 → 10.0.0.8');
    expect(message.Headers['x-vigil-watch']).toBe('network.discovery_portscan');

    const detail = result.detail as Record<string, unknown>;
    expect(detail).toMatchObject({ message_id: `<${ctx.notificationId}@vigil.local>`, from: 'Vigil <vigil@example.org>', to: ['soc@example.org'], subject: message.Subject, attachments: [] });
    expect(detail.text).toBe(message.Text);
    expect(String(detail.response)).toMatch(/^250/);
  });

  it('mails the security team (VIGIL_SMTP_TO) when the action names no recipient', async () => {
    const ctx = context({ mail: { ...mail, to: ['soc@example.org', 'oncall@example.org'] } });
    const result = await run({}, ctx);
    expect(result.status).toBe('executed');
    const message = await received(ctx);
    expect(message.To.map((r) => r.Address)).toEqual(['soc@example.org', 'oncall@example.org']);
  });

  it('escapes a <script> user name in the HTML part and keeps it exact in the text part', async () => {
    const ctx = context({ alert: alertOf({ 'source.ip': '198.51.100.23', 'user.name': '<script>alert(1)</script>' }) });
    await run({ to: ['soc@example.org'] }, ctx);
    const message = await received(ctx);
    expect(message.HTML).not.toContain('<script>');
    expect(message.HTML).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(message.Text).toContain('user.name: <script>alert(1)</script>');
  });

  it('keeps CR/LF from event data out of the headers and the envelope', async () => {
    const hostile = 'x\r\nBcc: evil@example.org';
    const ctx = context({ alert: alertOf({ 'source.ip': '198.51.100.23', 'user.name': hostile }) });
    await run({ to: ['soc@example.org'], subject: 'Login by {{entity.[user.name]}} from {{entity.[source.ip]}}' }, ctx);
    const message = await received(ctx);
    expect(message.Envelope.RcptTo).toEqual(['soc@example.org']);
    expect(Object.keys(message.Headers).map((h) => h.toLowerCase())).not.toContain('bcc');
    expect(message.Subject).toBe('Login by x  Bcc: evil@example.org from 198.51.100.23');
    // the body keeps the value (line endings normalised by the parser); only headers must not
    expect(message.Text).toMatch(/user\.name: x\r?\nBcc: evil@example\.org/);
    expect(message.Text).toContain(`--entity '{"source.ip":"198.51.100.23","user.name":"x\\r\\nBcc: evil@example.org"}'`);
  });

  it('takes a recipient from the alert, but only a single valid address', async () => {
    const ok = context({ alert: alertOf({ 'user.name': 'alice' }) });
    await run({ to: ['{{entity.[user.name]}}@example.org'], bcc: ['archive@example.org'] }, ok);
    expect((await received(ok)).Envelope.RcptTo.sort()).toEqual(['alice@example.org', 'archive@example.org']);

    for (const name of ['x\r\nBcc: evil@example.org', 'bob@example.org,evil', 'Evil <evil@example.org> bob', '"evil@example.org" bob']) {
      const bad = context({ alert: alertOf({ 'user.name': name }) });
      const error = await run({ to: ['{{entity.[user.name]}}@example.org'] }, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VigilError);
      expect((error as VigilError).transient).toBe(false);
      expect((error as VigilError).code).toBe('CONFIG_INVALID');
      expect((error as VigilError).message).toContain(JSON.stringify(`${name}@example.org`));
    }
  });

  it('attaches the alert as alert.json with attach_data', async () => {
    const ctx = context();
    const result = await run({ to: ['soc@example.org'], attach_data: true }, ctx);
    expect((result.detail as { attachments: unknown[] }).attachments).toEqual([{ filename: 'alert.json', content_type: 'application/json', size: expect.any(Number), inline: false }]);
    const message = await received(ctx);
    const part = await attachment(message.ID, 'alert.json');
    expect(part.headers).toMatch(/content-type:\s*application\/json/i);
    const document = JSON.parse(part.body) as Record<string, unknown>;
    expect(document).toMatchObject({ watch: { id: 'network.discovery_portscan' }, kind: 'notify', notification_id: ctx.notificationId });
    expect(document.alert).toEqual(ctx.alert);
  });

  it('says Resolved for a resolve notification', async () => {
    const ctx = context({ kind: 'resolve', alert: testAlertView({ state: 'resolved' }) });
    await run({ to: ['soc@example.org'] }, ctx);
    const message = await received(ctx);
    expect(message.Subject).toBe('Resolved: [Vigil HIGH] Port scan between two hosts: 198.51.100.23 → 10.0.0.8');
    expect(message.Text).toContain('RESOLVED: Port scan between two hosts');
    expect(message.Text).not.toContain('vigil watch ack');
  });

  it('simulate renders everything and sends nothing, even with a transport at hand', async () => {
    const simulated = context({ mode: 'simulate' });
    const result = await run({ to: ['soc@example.org'], attach_data: true }, simulated);
    expect(result.status).toBe('simulated');
    expect(result.detail).toMatchObject({
      message_id: `<${simulated.notificationId}@vigil.local>`,
      to: ['soc@example.org'],
      subject: '[Vigil HIGH] Port scan between two hosts: 198.51.100.23 → 10.0.0.8',
      attachments: [{ filename: 'alert.json', content_type: 'application/json', size: expect.any(Number), inline: false }],
    });
    expect((result.detail as { text: string }).text).toContain('Attacker: 198.51.100.23');
    expect((result.detail as { html: string }).html).toContain('<h1');

    // a message sent after the simulation has arrived, so the simulated one would have too
    const after = context();
    await run({ to: ['soc@example.org'] }, after);
    await received(after);
    expect((await listMessages(env.VIGIL_MAIL_API_URL)).some((m) => m.MessageID === `${simulated.notificationId}@vigil.local`)).toBe(false);
  });
});
