import { createMailTransport } from '@vigil/actions';
import { redactUrl, type VigilConfig } from '@vigil/core';
import { fail, ok, reason, type CheckResult } from './check.ts';

/** Connects, reads the greeting, says EHLO (and logs in when the URL has credentials), then quits. */
export async function checkSmtp(config: VigilConfig): Promise<CheckResult[]> {
  const where = redactUrl(config.smtp.url);
  const transport = createMailTransport(config.smtp.url, { pool: false, timeoutMs: 3_000 });
  try {
    await transport.verify();
    return [ok('smtp', `${where} answered EHLO`)];
  } catch (err) {
    return [fail('smtp', `${where}: ${reason(err)}`, 'start it (scripts/services up) or point VIGIL_SMTP_URL at your mail relay')];
  } finally {
    transport.close();
  }
}
