// Reading what the SMTP capture server received, as a mail client would: MIME parts, their decoded
// bodies, CSV attachments. For tests that check attachments byte for byte.

/** A leaf or container part of a raw MIME message: its header block (unfolded) and its body as sent. */
export interface RawPart {
  headers: string;
  body: string;
}

/** Every part of `raw`, at any depth: the message is cut at each boundary it declares. */
export function mimeParts(raw: string): RawPart[] {
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]!);
  let pieces = [raw];
  for (const boundary of boundaries) pieces = pieces.flatMap((piece) => piece.split(`--${boundary}`));
  return pieces.map((piece) => {
    const text = piece.replace(/^\r\n/, '');
    const end = text.indexOf('\r\n\r\n');
    return end < 0 ? { headers: text, body: '' } : { headers: text.slice(0, end).replace(/\r\n[ \t]+/g, ' '), body: text.slice(end + 4) };
  });
}

/** A part's body decoded from its Content-Transfer-Encoding. */
export function bodyBytes(part: RawPart): Buffer {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(part.headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const soft = part.body.replace(/=\r\n/g, '');
    return Buffer.from(soft.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(part.body.replace(/\r\n$/, ''), 'utf8');
}

/** RFC 4180 back into records (quoted fields, doubled quotes, CRLF record ends). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), (i += 1);
    } else field += ch;
  }
  if (field !== '' || record.length > 0) throw new Error(`the CSV does not end with CRLF: ${JSON.stringify(text.slice(-20))}`);
  return records;
}

/** The raw text of a captured message, by its capture id. */
export async function rawMessage(apiUrl: string, id: string): Promise<string> {
  return (await fetch(`${apiUrl}/api/v1/message/${id}/raw`)).text();
}
