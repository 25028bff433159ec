import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { VigilError, entityKey } from '@vigil/core';
import { freePort } from '@vigil/testkit';
import { emailAction, messageIdOf } from '../src/email/index.ts';
import { ackCommand } from '../src/email/view.ts';
import { createMailTransport } from '../src/index.ts';
import type { ActionContext } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';
import { actionProblems } from './support/validate.ts';

/** Problems `vigil watch validate` would print for a watch with this action, `[]` when valid. */
const problems = (action: string): string[] => actionProblems('mail', 'email', action);

describe('email options', () => {
  it('accepts addresses and recipient templates, and applies defaults', () => {
    expect(problems("to: [soc@example.org, '{{entity.[user.name]}}@example.org']\nfrom: Vigil <vigil@example.org>\nattach_data: true")).toEqual([]);
    expect(emailAction.options.parse({ to: ['root@localhost'] })).toEqual({ to: ['root@localhost'], cc: [], bcc: [], attach_data: false, attachments: [] });
  });

  it('rejects unknown keys at their file:line', () => {
    expect(problems('to: [soc@example.org]\nsubjet: typo')).toEqual([expect.stringMatching(/^watches\/test\/notify\.yaml:1[0-9]: .*subjet/)]);
  });

  it.each([
    ['no recipient', 'to: []'],
    ['a recipient list in one string', "to: ['soc@example.org, evil@example.org']"],
    ['a display name as recipient', "to: ['SOC <soc@example.org>']"],
    ['not an address', 'to: [soc]'],
    ['a sender with a line break', 'to: [soc@example.org]\nfrom: "Vigil\\r\\nBcc: x@example.org <vigil@example.org>"'],
    ['a sender that is no address', 'to: [soc@example.org]\nfrom: vigil'],
    ['a template syntax error', "to: [soc@example.org]\nsubject: '{{#if x}}open'"],
    ['attach_data not a boolean', 'to: [soc@example.org]\nattach_data: sometimes'],
  ])('rejects %s', (_what, action) => {
    expect(problems(action)).not.toEqual([]);
  });
});

describe('email rendering', () => {
  it('says in the default subject and body what the responder did, for an on_response notification', async () => {
    const blocked = { outcome: 'blocked' as const, ip: '198.51.100.23', host: 'edge-1', at: '2026-11-22T09:50:01.000Z', request_id: 'blk-1-edge-1', expires: '2026-11-22T10:00:01.000Z' };
    const sent = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), testActionContext({ mode: 'simulate', kind: 'response', response: blocked }));
    const detail = sent.detail as { subject: string; text: string; html: string };
    expect(detail.subject).toMatch(/^Blocked: 198\.51\.100\.23 on edge-1 · \[Vigil /);
    expect(detail.text).toContain('BLOCKED: the responder on edge-1 blocks 198.51.100.23 until 2026-11-22T10:00:01.000Z.');
    expect(detail.html).toContain('Blocked: the responder on edge-1 blocks 198.51.100.23');
    const failed = { ...blocked, outcome: 'failed' as const, error: 'nft: <permission denied>' };
    const notSent = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), testActionContext({ mode: 'simulate', kind: 'response', response: failed }));
    const d2 = notSent.detail as { subject: string; text: string; html: string };
    expect(d2.subject).toMatch(/^NOT blocked \(failed\): 198\.51\.100\.23 on edge-1/);
    expect(d2.text).toContain('did not block 198.51.100.23: failed (nft: <permission denied>).');
    expect(d2.html).toContain('(nft: &lt;permission denied&gt;)');
    // an alert notification says nothing of a response
    const plain = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), testActionContext({ mode: 'simulate' }));
    expect((plain.detail as { subject: string }).subject).toMatch(/^\[Vigil /);
  });

  it('keeps the default subject on one line whatever the entity holds', async () => {
    const entity = { 'source.ip': '198.51.100.23', 'user.name': 'x\r\nBcc: evil@example.org\u2028y' };
    const ctx = testActionContext({ mode: 'simulate', alert: testAlertView({ entity, entity_key: entityKey(entity) }) });
    const result = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), ctx);
    const subject = (result.detail as { subject: string }).subject;
    expect(subject).not.toMatch(/[\r\n\u2028]/);
    expect(subject).toContain('198.51.100.23');
  });

  it('prints an ack command a POSIX shell reads back as the exact entity key', () => {
    const entity = { 'source.ip': '198.51.100.23', 'user.name': `o'brien "$(id)" \`id\` $HOME \\ ;|&` };
    const command = ackCommand('auth.credential_access_brute_force', entityKey(entity));
    expect(command.startsWith("vigil watch ack auth.credential_access_brute_force --entity '")).toBe(true);
    // the shell parses the command line; printf shows the words it made
    const words = execFileSync('/bin/sh', ['-c', `set -- ${command.slice('vigil '.length)}; printf '%s\\0' "$@"`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    expect(words).toEqual(['watch', 'ack', 'auth.credential_access_brute_force', '--entity', entityKey(entity)]);
    expect(ackCommand('network.discovery_portscan', '{}')).toBe('vigil watch ack network.discovery_portscan');
  });

  it('derives the Message-ID from the notification id', () => {
    expect(messageIdOf('n-0123456789abcdef')).toBe('<n-0123456789abcdef@vigil.local>');
    const odd = messageIdOf('watch:entity/window@x');
    expect(odd).toMatch(/^<[0-9a-f]{40}@vigil\.local>$/);
    expect(messageIdOf('watch:entity/window@x')).toBe(odd);
  });
});

/** A real SMTP peer on loopback that answers RCPT TO with `rcptReply`. */
function smtpPeer(rcptReply: string): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    socket.write('220 test ESMTP\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const verb = buffer.slice(0, 4).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test\r\n');
        else if (verb === 'MAIL' || verb === 'RSET') socket.write('250 OK\r\n');
        else if (verb === 'RCPT') socket.write(`${rcptReply}\r\n`);
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 not here\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

describe('email delivery errors', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function send(url: string, overrides: Partial<ActionContext> = {}): Promise<VigilError> {
    const transport = createMailTransport(url, { pool: false, timeoutMs: 2000 });
    try {
      const error = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), testActionContext({ mail: { transport, from: 'vigil@example.org' }, ...overrides })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VigilError);
      return error as VigilError;
    } finally {
      transport.close();
    }
  }

  it('an SMTP 5xx answer is permanent', async () => {
    const peer = await smtpPeer('550 5.1.1 no such user');
    servers.push(peer.server);
    const error = await send(peer.url);
    expect(error).toMatchObject({ code: 'SERVICE_REJECTED', transient: false });
    expect(error.message).toContain('550 5.1.1 no such user');
  });

  it('an SMTP 4xx answer is transient', async () => {
    const peer = await smtpPeer('451 4.3.0 try again later');
    servers.push(peer.server);
    const error = await send(peer.url);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', transient: true });
    expect(error.message).toContain('451 4.3.0');
  });

  it('a refused connection is transient', async () => {
    const error = await send(`smtp://127.0.0.1:${await freePort()}`);
    expect(error.transient).toBe(true);
  });

  it('without `to` and without VIGIL_SMTP_TO there is no one to mail, and it says so', async () => {
    const error = await emailAction.execute(emailAction.options.parse({}), testActionContext({ mail: { transport: createMailTransport('smtp://127.0.0.1:1'), from: 'vigil@example.org' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigilError);
    expect((error as Error).message).toMatch(/VIGIL_SMTP_TO/);
  });

  it('no SMTP transport in execute mode is a permanent failure that says so', async () => {
    const error = await emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'] }), testActionContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect((error as Error).message).toMatch(/no SMTP transport/);
  });
});
