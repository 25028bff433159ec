import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressObject, ParsedMail } from 'mailparser';

/** An address as Mailpit's API shows it. */
export interface MailAddress {
  Name: string;
  Address: string;
}

/** One captured message, summarised as in Mailpit's `GET /api/v1/messages` list. */
export interface MessageSummary {
  ID: string;
  MessageID: string;
  From: MailAddress | null;
  To: MailAddress[];
  Subject: string;
  Created: string;
  Size: number;
  Snippet: string;
}

/** One captured message in full, as in Mailpit's `GET /api/v1/message/{ID}`. */
export interface MessageDetail extends MessageSummary {
  Cc: MailAddress[];
  Text: string;
  HTML: string;
  Headers: Record<string, string>;
  /** The SMTP envelope, which Mailpit does not show but a capture test needs (Bcc lives only here). */
  Envelope: { MailFrom: string; RcptTo: string[] };
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.map((a) => ({ Name: a.name, Address: a.address ?? '' })));
}

/**
 * Captured messages on disk: `<ID>.eml` holds the raw message as received, `<ID>.json` its parsed
 * detail. IDs sort by arrival, so a restarted server lists what it held before.
 */
export class MailStore {
  readonly #dir: string;
  #sequence = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async save(raw: Buffer, parsed: ParsedMail, envelope: MessageDetail['Envelope'], now: Date): Promise<MessageDetail> {
    await mkdir(this.#dir, { recursive: true });
    this.#sequence += 1;
    const id = `${now.getTime().toString().padStart(14, '0')}-${process.pid}-${this.#sequence}`;
    const text = parsed.text ?? '';
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.key.length + 1).trim();
    const detail: MessageDetail = {
      ID: id,
      MessageID: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
      From: addresses(parsed.from)[0] ?? null,
      To: addresses(parsed.to),
      Cc: addresses(parsed.cc),
      Subject: parsed.subject ?? '',
      Created: now.toISOString(),
      Size: raw.length,
      Snippet: text.replace(/\s+/g, ' ').trim().slice(0, 250),
      Text: text,
      HTML: typeof parsed.html === 'string' ? parsed.html : '',
      Headers: headers,
      Envelope: envelope,
    };
    await writeFile(join(this.#dir, `${id}.eml`), raw);
    await writeFile(join(this.#dir, `${id}.json`), JSON.stringify(detail));
    return detail;
  }

  /** Newest first, as Mailpit lists them. */
  async list(): Promise<MessageSummary[]> {
    const ids = await this.#ids();
    const details = await Promise.all(ids.map((id) => this.get(id)));
    return details
      .filter((d): d is MessageDetail => d !== null)
      .map(({ Cc: _cc, Text: _text, HTML: _html, Headers: _headers, Envelope: _envelope, ...summary }) => summary);
  }

  async get(id: string): Promise<MessageDetail | null> {
    if (!/^[\w-]+$/.test(id)) return null;
    try {
      return JSON.parse(await readFile(join(this.#dir, `${id}.json`), 'utf8')) as MessageDetail;
    } catch {
      return null;
    }
  }

  async raw(id: string): Promise<Buffer | null> {
    if (!/^[\w-]+$/.test(id)) return null;
    return readFile(join(this.#dir, `${id}.eml`)).catch(() => null);
  }

  async clear(): Promise<void> {
    for (const id of await this.#ids()) {
      await rm(join(this.#dir, `${id}.json`), { force: true });
      await rm(join(this.#dir, `${id}.eml`), { force: true });
    }
  }

  async #ids(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .sort()
      .reverse();
  }
}
