import nodemailer, { type Transporter } from 'nodemailer';
import { VigilError, redactUrl } from '@vigil/core';

export interface MailTransportOptions {
  /** Keep connections open for many messages (a watch run may send several). Default true. */
  pool?: boolean;
  /** Connect and greeting timeout; socket inactivity gets twice as much. Default nodemailer's (2 min). */
  timeoutMs?: number;
}

/**
 * The SMTP transport for alert mail, from `VIGIL_SMTP_URL` (`smtp://user:pass@host:587` upgrades with
 * STARTTLS when offered, `smtps://` is TLS from the start). Options travel as URL query parameters,
 * which nodemailer reads (numbers included), so settings already in the URL are kept.
 */
export function createMailTransport(url: string, options: MailTransportOptions = {}): Transporter {
  try {
    const u = new URL(url);
    if (options.pool ?? true) u.searchParams.set('pool', 'true');
    if (options.timeoutMs !== undefined) {
      u.searchParams.set('connectionTimeout', String(options.timeoutMs));
      u.searchParams.set('greetingTimeout', String(options.timeoutMs));
      u.searchParams.set('socketTimeout', String(options.timeoutMs * 2));
    }
    return nodemailer.createTransport(u.toString());
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `cannot use SMTP URL ${redactUrl(url)}: ${(cause as Error).message}`, { cause });
  }
}
