// The daily report of seed 004 as the security team gets it: the shipped reports/top_offenders watch,
// run for real over generated events in the real Elasticsearch, mails through the real SMTP capture;
// the mail's inline bar chart decodes at the size the chart says, its top bar is the most frequent
// source's, the bars follow the CSV's rows, and "blocked now" comes from the responses audit.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { createMailTransport, watchSchema, writeAuditDocument } from '@vigil/actions';
import { barChartSize, timelineSize } from '@vigil/charts';
import { loadWatchFile, ManualClock } from '@vigil/core';
import { createElasticsearchClient, eventIndex, MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry, setupIndices } from '@vigil/store';
import { barLengths, bodyBytes, dropPrefix, listMessages, mimeParts, parseCsv, rawMessage, repoRoot, serviceEnv, uniquePrefix, until, type RawPart } from '@vigil/testkit';
import { runOnce } from '@vigil/watcher';
import { decode } from 'fast-png';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('report-mail');
const TEAM = `report-${randomUUID().slice(0, 8)}@example.org`;
const AT = new Date('2026-11-23T07:00:00Z');
const transport = createMailTransport(env.VIGIL_SMTP_URL);
let client: Client;

/** Failed logins per source over the three days before the report; the local one must be left out. */
const SOURCES: [string, number][] = [
  ['198.51.100.20', 25],
  ['203.0.113.10', 40],
  ['203.0.113.30', 10],
  ['10.0.0.5', 60],
];

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const operations = SOURCES.flatMap(([ip, count]) =>
    Array.from({ length: count }, (_, i) => {
      // spread over three days, at awkward seconds
      const at = new Date(AT.getTime() - 3 * 86_400_000 + i * 6_373_000 + 17_137).toISOString();
      return [{ create: { _index: eventIndex(prefix, 'auth', at) } }, { '@timestamp': at, event: { kind: 'event', dataset: 'auth', outcome: 'failure', action: 'ssh_login' }, source: { ip }, user: { name: `u${i % 3}` } }];
    }).flat(),
  );
  expect((await client.bulk({ operations, refresh: 'wait_for' })).errors).toBe(false);
  // 198.51.100.20 is blocked on one host until after the report
  await writeAuditDocument(client, prefix, {
    id: 'blk-report-edge-1:blocked',
    '@timestamp': '2026-11-22T20:00:00.000Z',
    request_id: 'blk-report-edge-1',
    action: 'block',
    outcome: 'blocked',
    ip: '198.51.100.20',
    host: { name: 'edge-1' },
    reason: 'test',
    origin: 'watch',
    expires: '2026-11-30T20:00:00.000Z',
  });
});

afterAll(async () => {
  transport.close();
  await dropPrefix(client, prefix);
  await client.close();
});

const contentId = (parts: RawPart[], id: string) => parts.find((p) => new RegExp(`^content-id:\\s*<${id.replace('.', '\\.')}>\\s*$`, 'im').test(p.headers));

describe('reports/top_offenders: the daily mail', () => {
  it('mails the top sources with an inline bar chart whose top bar is the most frequent source, a timeline and the CSV', async () => {
    const watch = loadWatchFile(join(root, 'watches/reports/top_offenders.yaml'), watchSchema()).watch;
    const clock = new ManualClock(AT);
    const services = { elasticsearch: client, mail: { transport, from: 'Vigil <vigil@example.org>', to: [TEAM] } };
    const deps = { registry: new MemoryWatchRegistry({ clock }), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore(), elasticsearch: client, indexPrefix: prefix, clock, log: () => undefined, services };
    const report = await runOnce(deps, watch, { at: AT, dryRun: false, runId: 'report' });
    expect(report.actions.map((a) => `${a.id}:${a.status}`)).toEqual(['mail:executed']);

    let id = '';
    await until('the report mail', async () => {
      id = (await listMessages(env.VIGIL_MAIL_API_URL)).find((m) => m.To.some((t) => t.Address === TEAM))?.ID ?? '';
      return id !== '';
    });
    const parts = mimeParts(await rawMessage(env.VIGIL_MAIL_API_URL, id));

    // the CSV: most frequent first, the local address left out, blocked now from the audit
    const csv = parseCsv(bodyBytes(parts.find((p) => /filename="?top-sources\.csv/i.test(p.headers))!).toString('utf8'));
    expect(csv[0]).toEqual(['ip', 'count', 'first_seen', 'last_seen', 'datasets', 'actions', 'blocked', 'blocked_on']);
    expect(csv.slice(1).map((r) => [r[0], r[1], r[6], r[7]])).toEqual([
      ['203.0.113.10', '40', 'false', ''],
      ['198.51.100.20', '25', 'true', 'edge-1'],
      ['203.0.113.30', '10', 'false', ''],
    ]);

    // the bar chart: the size the chart computes for these rows, one bar per row in the CSV's order
    const bars = contentId(parts, 'top-90d.png');
    expect(bars?.headers).toMatch(/content-type:\s*image\/png/i);
    const png = bodyBytes(bars!);
    const rows = csv.slice(1).map((r) => ({ label: r[0]!, value: Number(r[1]) }));
    const { width, height } = decode(png);
    expect({ width, height }).toEqual(barChartSize({ title: 'Top 20 source addresses, last 90 days', rows, valueLabel: 'events' }));
    const lengths = barLengths(png);
    expect(lengths).toHaveLength(3);
    expect(lengths[0]).toBe(Math.max(...lengths));
    rows.forEach((row, i) => expect(Math.abs(lengths[i]! - (lengths[0]! * row.value) / rows[0]!.value)).toBeLessThanOrEqual(2));

    // the timeline: one column per day of the 90
    const timeline = decode(bodyBytes(contentId(parts, 'daily.png')!));
    const points = report.alerts[0]!.payload.daily as { day: string; count: number }[];
    expect(points).toHaveLength(91);
    expect(points.reduce((sum, p) => sum + p.count, 0)).toBe(75);
    expect({ width: timeline.width, height: timeline.height }).toEqual(timelineSize({ title: 'Attack events per day, last 90 days', points: points.map((p) => ({ day: p.day, value: p.count })), valueLabel: 'events' }));

    // the HTML shows both images; the text names the most frequent source first
    const html = bodyBytes(parts.find((p) => /content-type:\s*text\/html/i.test(p.headers))!).toString('utf8');
    expect(html).toContain('src="cid:top-90d.png"');
    expect(html).toContain('src="cid:daily.png"');
    const text = bodyBytes(parts.find((p) => /content-type:\s*text\/plain/i.test(p.headers))!).toString('utf8');
    expect(text.indexOf('- 203.0.113.10: 40 events')).toBeGreaterThan(-1);
    expect(text).not.toContain('10.0.0.5');
  });
});
