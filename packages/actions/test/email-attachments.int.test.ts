import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { BAR_COLOUR, barChartSize } from '@vigil/charts';
import { repoRoot, serviceEnv, waitForMessage } from '@vigil/testkit';
import { decode } from 'fast-png';
import { emailAction } from '../src/email/index.ts';
import { createMailTransport } from '../src/index.ts';
import type { ActionContext } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';

const env = serviceEnv(repoRoot());
const transport = createMailTransport(env.VIGIL_SMTP_URL);

afterAll(() => transport.close());

/** A leaf or container part of a raw MIME message: its header block (unfolded) and its body as sent. */
interface RawPart {
  headers: string;
  body: string;
}

/** Every part of `raw`, at any depth: the message is cut at each boundary it declares. */
function mimeParts(raw: string): RawPart[] {
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
function bodyBytes(part: RawPart): Buffer {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(part.headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const soft = part.body.replace(/=\r\n/g, '');
    return Buffer.from(soft.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(part.body.replace(/\r\n$/, ''), 'utf8');
}

/** RFC 4180 back into records (quoted fields, doubled quotes, CRLF record ends). */
function parseCsv(text: string): string[][] {
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

/** The length of each horizontal bar, top to bottom, measured along its centre line in the decoded PNG. */
function barLengths(png: Buffer): number[] {
  const image = decode(png);
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(BAR_COLOUR.slice(i, i + 2), 16));
  const isBar = (x: number, y: number) => {
    const i = (y * image.width + x) * image.channels;
    return image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b;
  };
  const rowHasBar = Array.from({ length: image.height }, (_, y) => Array.from({ length: image.width }, (_, x) => x).some((x) => isBar(x, y)));
  const lengths: number[] = [];
  for (let y = 0; y < image.height; y++) {
    if (!rowHasBar[y] || (y > 0 && rowHasBar[y - 1])) continue;
    let bottom = y;
    while (bottom + 1 < image.height && rowHasBar[bottom + 1]) bottom += 1;
    const centre = Math.floor((y + bottom) / 2);
    const start = Array.from({ length: image.width }, (_, x) => x).find((x) => isBar(x, centre)) ?? 0;
    let end = start;
    while (end < image.width && isBar(end, centre)) end += 1;
    lengths.push(end - start);
  }
  return lengths;
}

const last90d = [
  { ip: '203.0.113.7', count: 900, first_seen: '2026-09-01T10:00:00.000Z', last_seen: '2026-11-22T08:00:00.000Z', datasets: ['auth', 'ossec'],
    actions: ['ssh_login'], blocked: true },
  { ip: '198.51.100.2', count: 300, first_seen: '2026-10-02T10:00:00.000Z', last_seen: '2026-11-21T08:00:00.000Z', datasets: ['netfilter'], actions: ['denied'],
    blocked: false },
  { ip: '192.0.2.44', count: 120, datasets: ['auth'], actions: ['=HYPERLINK("http://evil.example","click")'], blocked: false },
];

describe('email attachments through the real SMTP capture server', () => {
  it('sends an inline bar chart (cid:top-sources.png) and a CSV that parse back to what was sent', async () => {
    const ctx: ActionContext = testActionContext({
      mail: { transport, from: 'Vigil <vigil@example.org>' },
      notificationId: `n-${randomUUID()}`,
      alert: testAlertView({ payload: { summary: 'top sources', last_90d: last90d } }),
    });
    const columns = ['ip', 'count', 'first_seen', 'last_seen', 'datasets', 'actions', 'blocked'];
    const options = emailAction.options.parse({
      to: ['soc@example.org'],
      attachments: [
        {
          filename: 'top-sources.png',
          inline: true,
          chart: { type: 'bar', title: 'Top 20 source addresses, last 90 days', rows: 'payload.last_90d', label: 'ip', value: 'count' },
        },
        { filename: 'top-sources.csv', csv: { rows: 'payload.last_90d', columns } },
      ],
    });
    const result = await emailAction.execute(options, ctx);
    expect(result.status).toBe('executed');
    const listed = (result.detail as { attachments: { filename: string; size: number }[] }).attachments;
    expect(listed).toEqual([
      { filename: 'top-sources.png', content_type: 'image/png', size: expect.any(Number), inline: true, rows: 3 },
      { filename: 'top-sources.csv', content_type: 'text/csv; charset=utf-8', size: expect.any(Number), inline: false, rows: 3 },
    ]);

    const message = await waitForMessage(env.VIGIL_MAIL_API_URL, (m) => m.MessageID === `${ctx.notificationId}@vigil.local`);
    const raw = await (await fetch(`${env.VIGIL_MAIL_API_URL}/api/v1/message/${message.ID}/raw`)).text();
    const parts = mimeParts(raw);

    const image = parts.find((p) => /^content-id:\s*<top-sources\.png>\s*$/im.test(p.headers));
    expect(image).toBeDefined();
    expect(image!.headers).toMatch(/content-type:\s*image\/png/i);
    const png = bodyBytes(image!);
    expect(png.length).toBe(listed[0]!.size);
    const decoded = decode(png);
    const spec = { title: 'Top 20 source addresses, last 90 days', rows: last90d.map((r) => ({ label: r.ip, value: r.count })) };
    expect({ width: decoded.width, height: decoded.height }).toEqual(barChartSize(spec));
    const lengths = barLengths(png);
    expect(lengths).toHaveLength(3);
    expect(lengths[0]).toBe(Math.max(...lengths));
    expect(Math.abs(lengths[1]! - lengths[0]! / 3)).toBeLessThanOrEqual(2);

    const html = parts.find((p) => /content-type:\s*text\/html/i.test(p.headers));
    expect(bodyBytes(html!).toString('utf8')).toContain('src="cid:top-sources.png"');
    expect(message.HTML).toContain('alt="Top 20 source addresses, last 90 days"');

    const csvPart = parts.find((p) => /filename="?top-sources\.csv/i.test(p.headers));
    expect(csvPart).toBeDefined();
    expect(csvPart!.headers).toMatch(/content-type:\s*text\/csv;\s*charset=utf-8/i);
    const records = parseCsv(bodyBytes(csvPart!).toString('utf8'));
    expect(records).toEqual([
      columns,
      ['203.0.113.7', '900', '2026-09-01T10:00:00.000Z', '2026-11-22T08:00:00.000Z', 'auth;ossec', 'ssh_login', 'true'],
      ['198.51.100.2', '300', '2026-10-02T10:00:00.000Z', '2026-11-21T08:00:00.000Z', 'netfilter', 'denied', 'false'],
      ['192.0.2.44', '120', '', '', 'auth', `'=HYPERLINK("http://evil.example","click")`, 'false'],
    ]);
  });
});
