import { createHash } from 'node:crypto';
import { VigilError } from '@vigil/core';
import type { SentMessageInfo } from 'nodemailer';
import { z } from 'zod';
import { permanentFailure, transientFailure } from '../errors.ts';
import { renderOption, scrubbedError, templateOption } from '../http/options.ts';
import type { ActionContext, ActionType } from '../types.ts';
import { isAddress, parseMailbox } from './address.ts';
import { attachmentsOption, buildAttachments, type BuiltAttachment } from './attachments.ts';
import { DEFAULT_HTML, DEFAULT_SUBJECT, DEFAULT_TEXT } from './templates.ts';
import { mailView } from './view.ts';

/** A recipient: a template rendered as is, then checked to be one bare address. */
const recipient = templateOption('One recipient address, or a template that renders one ({{entity.[user.name]}}@example.org); the result must be a single bare address.').superRefine((text, ctx) => {
  if (!text.includes('{{') && !isAddress(text)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a single email address such as soc@example.org` });
});

const options = z.strictObject({
  /**
   * Recipients; each may be a template, checked as a single address once rendered. Default: the
   * security team, `VIGIL_SMTP_TO` (as Watcher's `email_defaults.to`).
   */
  to: z
    .array(recipient)
    .min(1)
    .optional()
    .describe('Recipients; each an address or a template rendering one (an empty result is left out). Default: the security team, VIGIL_SMTP_TO.'),
  /** Carbon-copy recipients, as `to`. */
  cc: z.array(recipient).default([]).describe('Carbon-copy recipients, as to.'),
  /** Blind-copy recipients, as `to`: in the SMTP envelope only, never in a header. */
  bcc: z.array(recipient).default([]).describe('Blind-copy recipients, as to: in the SMTP envelope only.'),
  /** Sender, `Vigil <vigil@example.org>` or a bare address; default `VIGIL_SMTP_FROM`. Not a template. */
  from: z
    .string()
    .refine((text) => parseMailbox(text) !== undefined, 'must be an address, or a name and an address: "Vigil <vigil@example.org>"')
    .optional()
    .describe('Sender: "Vigil <vigil@example.org>" or a bare address (not a template). Default: VIGIL_SMTP_FROM.'),
  /** Subject template, on one line whatever the data holds; default "[Vigil HIGH] <watch>: <attacker> → <target>". */
  subject: templateOption('Subject template, kept on one line whatever the data holds. Default: "[Vigil <SEVERITY>] <watch name>: <attacker> → <target>", "Resolved: " first when resolved.').optional(),
  /** Plain-text part template (not escaped); default: what fired, the entity, the figures, the times and the ack command. */
  text: templateOption('Plain-text part template. Default: what fired and how severe, the entity, the payload figures, the window, first/last seen and the vigil watch ack command.').optional(),
  /**
   * HTML part template (HTML-escaped); default: the same as the text part, laid out for a phone, with
   * the inline charts after the figures. A custom one shows an inline chart with `<img src="cid:<filename>">`
   * (or `{{#each images}}`: `cid`, `alt`, `width`, `height`).
   */
  html: templateOption(
    'HTML part template; values are HTML-escaped. Default: the text part laid out for a phone, inline charts after the figures; ' +
      'a custom one shows an inline chart as <img src="cid:<filename>">.',
  ).optional(),
  /** Attach the alert (entity, payload, window, state) and the watch as `alert.json`. */
  attach_data: z.boolean().default(false).describe('Attach the alert (entity, payload, window, state) and the watch as alert.json (default false).'),
  /**
   * Charts and CSV tables built from a list in the alert (`rows: payload.last_90d.rows`, a path as
   * transform `pick` writes it, over what the templates see). A chart is a PNG (`chart: {type: bar |
   * timeline, ...}`); an `inline` one is shown in the HTML body as `cid:<filename>` (the default HTML
   * shows it after the figures). A CSV (`csv: {rows, columns}`) is RFC 4180 with formula-protected
   * cells. History lists each with its content type, size and row count, never its bytes.
   */
  attachments: attachmentsOption,
});

type Options = z.output<typeof options>;

/** Codes of an SMTP conversation that never got an answer: the server may be back later. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** `<notification id@vigil.local>`; an id that is not a valid left-hand side is hashed (still deterministic). */
export function messageIdOf(notificationId: string): string {
  const local = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(notificationId) ? notificationId : createHash('sha256').update(notificationId).digest('hex').slice(0, 40);
  return `<${local}@vigil.local>`;
}

/** SMTP 4xx and connection failures are transient; 5xx (as nodemailer classes them) and the rest are permanent. */
function mailFailure(what: string, error: unknown): VigilError {
  const e = error as { code?: string; originalCode?: string; responseCode?: number; response?: string; permanent?: boolean; message?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    const message = `${what}: the SMTP server answered ${e.response ?? e.responseCode}`;
    // nodemailer marks 503 (bad command sequence) as worth another try on a new connection
    const permanent = e.permanent ?? e.responseCode >= 500;
    return permanent ? permanentFailure(message, error) : transientFailure(message, error);
  }
  const code = [e.code, e.originalCode].find((c) => c !== undefined && CONNECTION_CODES.has(c));
  if (code !== undefined) return transientFailure(`${what}: ${code} ${e.message ?? ''}`.trim(), error);
  return permanentFailure(`${what}: ${e.code === undefined ? '' : `${e.code} `}${e.message ?? String(error)}`, error);
}

/** Renders recipient templates, leaves out empty results and refuses anything but one bare address. */
function recipients(option: 'to' | 'cc' | 'bcc', templates: readonly string[], view: unknown, context: ActionContext): string[] {
  const out: string[] = [];
  templates.forEach((template, i) => {
    const value = renderOption(`${option}[${i}]`, template, view, 'none', context);
    if (value === '') return;
    if (!isAddress(value)) throw new VigilError('CONFIG_INVALID', `${option}[${i}]: the template rendered ${JSON.stringify(value)}, which is not a single email address`);
    out.push(value);
  });
  return out;
}

/** The security team (`VIGIL_SMTP_TO`) for an action without `to`; a placeholder when simulating without SMTP. */
function defaultRecipients(context: ActionContext): string[] {
  if (context.mail?.to !== undefined && context.mail.to.length > 0) return [...context.mail.to];
  if (context.mode === 'simulate') return ['(VIGIL_SMTP_TO)'];
  throw new VigilError('CONFIG_INVALID', 'to: the action names no recipient and no default is configured (VIGIL_SMTP_TO)');
}

/** An attachment as history shows it: what it is and how big, never its bytes. */
function attachmentDetail(a: BuiltAttachment) {
  return {
    filename: a.filename,
    content_type: a.contentType,
    size: a.content.length,
    inline: a.inline,
    ...(a.rows === undefined ? {} : { rows: a.rows }),
    ...(a.rows !== undefined && a.rowsTotal !== undefined && a.rowsTotal > a.rows ? { rows_total: a.rowsTotal } : {}),
  };
}

/** The `attach_data` document. */
function alertDocument(context: ActionContext): BuiltAttachment {
  const { id, name, severity, tags } = context.watch;
  const document = { watch: { id, name, severity, tags }, kind: context.kind, notification_id: context.notificationId, alert: context.alert };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  return { filename: 'alert.json', contentType: 'application/json', content: Buffer.from(text, 'utf8'), inline: false };
}

/**
 * Everything the message is made of, rendered: what simulate shows and execute sends. Attachments
 * are built first, so that the HTML templates see the inline images as `images` (`[{cid, alt,
 * width, height}]`, shown at most 600 px wide).
 */
function compose(opts: Options, context: ActionContext) {
  const view = mailView(context);
  const to = opts.to === undefined ? defaultRecipients(context) : recipients('to', opts.to, view, context);
  if (to.length === 0) throw new VigilError('CONFIG_INVALID', 'to: every recipient template rendered empty: no one to send to');
  const files = [...buildAttachments(opts.attachments, view, context), ...(opts.attach_data ? [alertDocument(context)] : [])];
  const images = files.flatMap((f) => (f.image === undefined ? [] : [{ cid: f.filename, ...f.image }]));
  const withImages = { ...view, images };
  const mail = {
    message_id: messageIdOf(context.notificationId),
    from: opts.from ?? context.mail?.from,
    to,
    cc: recipients('cc', opts.cc, view, context),
    bcc: recipients('bcc', opts.bcc, view, context),
    // header escaping turns control characters into spaces; the replace is a second lock on the door
    subject: renderOption('subject', opts.subject ?? DEFAULT_SUBJECT, view, 'header', context)
      .replace(/[\r\n]+/g, ' ')
      .trim(),
    text: renderOption('text', opts.text ?? DEFAULT_TEXT, withImages, 'none', context),
    html: renderOption('html', opts.html ?? DEFAULT_HTML, withImages, 'html', context),
    attachments: files.map(attachmentDetail),
  };
  return { mail, files };
}

/** What nodemailer sends for an attachment; an inline one's Content-ID is its file name. */
function mimePart(a: BuiltAttachment) {
  const inline = a.inline ? { cid: a.filename, contentDisposition: 'inline' as const } : {};
  return { filename: a.filename, content: a.content, contentType: a.contentType, ...inline };
}

/**
 * Mails the alert through the SMTP transport (`VIGIL_SMTP_URL`): text and HTML parts, charts
 * (inline or attached) and CSV tables, an optional JSON attachment, and a `Message-ID` derived
 * from the notification id, so a re-sent mail is recognisably the same message.
 */
export const emailAction: ActionType<typeof options> = {
  type: 'email',
  description: 'mail the alert',
  options,
  async execute(opts, context) {
    const what = `email ${context.name}`;
    try {
      const { mail, files } = compose(opts, context);
      if (context.mode === 'simulate') return { status: 'simulated', detail: context.secrets.scrub({ ...mail, from: mail.from ?? '(VIGIL_SMTP_FROM)' }) };
      if (context.mail === undefined) throw new VigilError('CONFIG_INVALID', `${what}: no SMTP transport was given to the action (VIGIL_SMTP_URL not configured for this process)`);
      const sender = opts.from === undefined ? context.mail.from : parseMailbox(opts.from);
      let info: SentMessageInfo;
      try {
        info = await context.mail.transport.sendMail({
          messageId: mail.message_id,
          from: sender,
          to: mail.to.map((address) => ({ name: '', address })),
          cc: mail.cc.map((address) => ({ name: '', address })),
          bcc: mail.bcc.map((address) => ({ name: '', address })),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          attachments: files.map(mimePart),
          headers: { 'X-Vigil-Watch': context.watch.id },
          // nothing in a message may make nodemailer read a file or fetch a URL
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (error) {
        throw mailFailure(what, error);
      }
      const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
      const detail = { ...mail, from: mail.from ?? context.mail.from, response: String((info as { response?: unknown }).response ?? ''), ...(rejected.length === 0 ? {} : { rejected: rejected.map(String) }) };
      return { status: 'executed', detail: context.secrets.scrub(detail) };
    } catch (error) {
      throw scrubbedError(error, context);
    }
  },
};
