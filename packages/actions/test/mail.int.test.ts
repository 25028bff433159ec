import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot, serviceEnv, waitForMessage } from '@vigil/testkit';
import { createMailTransport } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const transport = createMailTransport(env.VIGIL_SMTP_URL);

afterAll(() => transport.close());

describe('mail through the real SMTP capture server', () => {
  it('sends a message with nodemailer and reads it back, envelope and body intact', async () => {
    const subject = `[vigil] port scan from 198.51.100.23 (${randomUUID()})`;
    const info = await transport.sendMail({
      from: 'Vigil <vigil@example.org>',
      to: 'soc@example.org',
      bcc: 'archive@example.org',
      subject,
      text: 'Source 198.51.100.23 touched 734 ports on 10.0.0.8 within 30 s.',
    });
    expect(info.rejected).toEqual([]);

    const message = await waitForMessage(env.VIGIL_MAIL_API_URL, (m) => m.Subject === subject);
    expect(message.From).toEqual({ Name: 'Vigil', Address: 'vigil@example.org' });
    expect(message.To).toEqual([{ Name: '', Address: 'soc@example.org' }]);
    expect(message.Envelope.RcptTo.sort()).toEqual(['archive@example.org', 'soc@example.org']);
    expect(message.Text.trim()).toBe('Source 198.51.100.23 touched 734 ports on 10.0.0.8 within 30 s.');
    expect(message.MessageID).toBe(info.messageId.replace(/^<|>$/g, ''));
  });
});
