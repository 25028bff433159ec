import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import nodemailer from 'nodemailer';
import { listMessages, startCaptureServer, waitForMessage } from '../src/index.ts';

describe('SMTP capture server', () => {
  it('keeps messages on disk across a restart, serves them over the API, and clears them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-mail-'));
    const first = await startCaptureServer({ smtpPort: 0, httpPort: 0, dir });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: first.smtpPort, secure: false, auth: { user: 'any', pass: 'thing' } });
    await transport.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 'one', text: 'first body', html: '<p>first body</p>' });
    transport.close();
    const api = `http://127.0.0.1:${first.httpPort}`;
    const sent = await waitForMessage(api, (m) => m.Subject === 'one');
    expect(sent).toMatchObject({ Text: 'first body', HTML: '<p>first body</p>', Envelope: { MailFrom: 'a@example.org', RcptTo: ['b@example.org'] } });
    const raw = await fetch(`${api}/api/v1/message/${sent.ID}/raw`).then((r) => r.text());
    expect(raw).toMatch(/^Subject: one\r?$/m);
    await first.close();

    const second = await startCaptureServer({ smtpPort: 0, httpPort: 0, dir });
    const api2 = `http://127.0.0.1:${second.httpPort}`;
    expect((await listMessages(api2)).map((m) => m.ID)).toEqual([sent.ID]);
    expect((await fetch(`${api2}/api/v1/message/does-not-exist`)).status).toBe(404);
    expect((await fetch(`${api2}/api/v1/messages`, { method: 'DELETE' })).status).toBe(200);
    expect(await listMessages(api2)).toEqual([]);
    await second.close();
  });
});
