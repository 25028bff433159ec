import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { barChartSize } from '@vigil/charts';
import { barLengths, bodyBytes, mimeParts, parseCsv, rawMessage, repoRoot, serviceEnv, waitForMessage } from '@vigil/testkit';
import { decode } from 'fast-png';
import { emailAction } from '../src/email/index.ts';
import { createMailTransport } from '../src/index.ts';
import type { ActionContext } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';

const env = serviceEnv(repoRoot());
const transport = createMailTransport(env.VIGIL_SMTP_URL);

afterAll(() => transport.close());

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
    const raw = await rawMessage(env.VIGIL_MAIL_API_URL, message.ID);
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
