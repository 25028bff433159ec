// Attacker analytics against the real Elasticsearch: a generated corpus of a few thousand events
// from a few hundred sources over several days, and a model of it computed here; every figure the
// aggregations return is compared with the model's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core';
import { dropPrefix, repoRoot, serviceEnv, testAlert, uniquePrefix } from '@vigil/testkit';
import {
  alertedSources,
  createElasticsearchClient,
  dailyCounts,
  DEFAULT_LOCAL_NETWORKS,
  ElasticsearchAlertStore,
  eventIndex,
  setupIndices,
  sourceHistory,
  topSources,
} from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('stats');
const empty = uniquePrefix('stats-empty');
let client: Client;

const DAY = 86_400_000;
const since = new Date('2026-11-17T00:00:00.000Z');
const until = new Date('2026-11-23T00:00:00.000Z');
/** Days with events; 2026-11-17 has none (a zero day in the daily counts). */
const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'];

interface Generated {
  '@timestamp': string;
  event: Record<string, unknown>;
  source: { ip: string };
  rule?: { name: string };
  tags?: string[];
}

/** Deterministic pseudo-random numbers (mulberry32): the corpus is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(4);

type Shape = Omit<Generated, '@timestamp' | 'source'>;
const authentication = { kind: 'event', category: ['authentication'], type: ['start'] };
/** One evidence event of each kind the parsers write (see ATTACK_EVIDENCE), and events that are not evidence. */
type Kind = 'ssh' | 'ufw' | 'syn' | 'ossec' | 'windows' | 'login' | 'ack' | 'accept';
const KINDS: Record<Kind, () => Shape> = {
  ssh: () => ({ event: { ...authentication, dataset: 'auth', action: 'ssh_login', outcome: 'failure' }, tags: ['auth_failure'] }),
  ufw: () => ({ event: { kind: 'event', dataset: 'netfilter', action: 'drop', category: ['network'], type: ['connection', 'denied'] } }),
  syn: () => ({
    event: { kind: 'event', dataset: 'tcpdump', action: 'tcp_syn', category: ['network'], type: ['connection', 'start'] },
    tags: ['tcp_connection_started'],
  }),
  ossec: () => ({
    event: { kind: 'alert', dataset: 'ossec', category: ['intrusion_detection'], type: ['info'] },
    rule: { name: 'sshd: Attempt to login using a non-existent user' },
  }),
  windows: () => ({ event: { ...authentication, dataset: 'windows', action: 'logon-failed', outcome: 'failure' }, tags: ['auth_failure'] }),
  // not evidence
  login: () => ({ event: { ...authentication, dataset: 'auth', action: 'ssh_login', outcome: 'success' }, tags: ['auth_success'] }),
  ack: () => ({ event: { kind: 'event', dataset: 'tcpdump', action: 'tcp_ack', category: ['network'], type: ['connection'] } }),
  accept: () => ({ event: { kind: 'event', dataset: 'netfilter', action: 'ufw_allow', category: ['network'], type: ['connection', 'allowed'] } }),
};
const EVIDENCE: Kind[] = ['ssh', 'ufw', 'syn', 'ossec', 'windows'];
const NOT_EVIDENCE: Kind[] = ['login', 'ack', 'accept'];
const isEvidence = (g: Generated) =>
  g.event.outcome === 'failure' ||
  g.event.kind === 'alert' ||
  (g.event.type as string[]).includes('denied') ||
  (g.event.dataset === 'tcpdump' && g.tags?.includes('tcp_connection_started') === true);

const events: Generated[] = [];
function add(ip: string, kind: Kind, day: string, extra: Partial<Generated['event']> = {}): void {
  const ms = Math.floor(rand() * DAY);
  const base = KINDS[kind]();
  events.push({ ...base, '@timestamp': new Date(Date.parse(`${day}T00:00:00.000Z`) + ms).toISOString(), source: { ip }, event: { ...base.event, ...extra } });
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

// 320 Internet sources with 1 to 14 evidence events each, a third of them with some other events too
const internet = [
  ...Array.from({ length: 200 }, (_, i) => `203.0.113.${i + 1}`),
  ...Array.from({ length: 100 }, (_, i) => `198.51.100.${i + 1}`),
  ...Array.from({ length: 20 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`),
];
for (const [n, ip] of internet.entries()) {
  for (let k = 0; k < 1 + ((n * 5) % 14); k += 1) add(ip, pick(EVIDENCE), pick(DAYS));
  if (n % 3 === 0) for (let k = 0; k < 5; k += 1) add(ip, pick(NOT_EVIDENCE), pick(DAYS));
}
// heavy hitters with distinct counts (the seed's 218.92.0.x), one of them IPv6
const HEAVY: [string, number][] = [['218.92.0.107', 700], ['2001:db8:ffff::7', 420], ['61.177.172.13', 300], ['45.148.10.1', 150]];
for (const [ip, count] of HEAVY) for (let k = 0; k < count; k += 1) add(ip, pick(EVIDENCE), pick(DAYS));
// a source with 12 different actions: its action list is cut at 10
const PROBE_ACTIONS = Array.from({ length: 12 }, (_, k) => `ssh_probe_${String(k).padStart(2, '0')}`);
for (const [k, action] of PROBE_ACTIONS.entries()) for (let j = 0; j <= k; j += 1) add('192.0.2.200', 'ssh', DAYS[k % DAYS.length] as string, { action });
// local networks, more active than anyone: left out by default
const LOCAL: [string, number][] = [['10.1.2.3', 900], ['192.168.0.44', 800], ['100.64.3.4', 50], ['fd00::5', 40], ['127.0.0.1', 30]];
for (const [ip, count] of LOCAL) for (let k = 0; k < count; k += 1) add(ip, pick(EVIDENCE), pick(DAYS));

/** Outside the range: never counted. */
const OUTSIDE: Generated[] = [
  { ...KINDS.ssh(), '@timestamp': '2026-11-16T23:59:59.999Z', source: { ip: '203.0.113.1' } },
  { ...KINDS.ssh(), '@timestamp': until.toISOString(), source: { ip: '203.0.113.1' } },
];

const inRange = events;
const evidence = inRange.filter(isEvidence);

/** The model's top list: count desc, then address order (IPv4 numerically before IPv6, as Elasticsearch orders `ip` keys). */
function addressOrder(ip: string): bigint {
  if (!ip.includes(':')) return ip.split('.').reduce((v, o) => (v << 8n) | BigInt(o), 0n);
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((v, g) => (v << 16n) | BigInt(`0x${g}`), 0n) + (1n << 129n);
}
/** First and last time of some events. */
function seen(gs: Generated[]): { first_seen: string; last_seen: string } {
  const times = gs.map((g) => g['@timestamp']).sort();
  return { first_seen: times[0] as string, last_seen: times.at(-1) as string };
}
function model(list: Generated[], exclude: (ip: string) => boolean) {
  const by = new Map<string, Generated[]>();
  for (const g of list) if (!exclude(g.source.ip)) by.set(g.source.ip, [...(by.get(g.source.ip) ?? []), g]);
  return [...by.entries()]
    .map(([ip, gs]) => ({ ip, count: gs.length, ...seen(gs), gs }))
    .sort((a, b) => b.count - a.count || (addressOrder(a.ip) < addressOrder(b.ip) ? -1 : 1));
}
const isLocal = (ip: string) => LOCAL.some(([l]) => l === ip);
const ranked = (list: Generated[], exclude = isLocal) =>
  model(list, exclude).map(({ ip, count, first_seen, last_seen }) => ({ ip, count, first_seen, last_seen }));
/** Values most frequent first, ties by name. */
function frequent(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
}
const actionOf = (g: Generated) => (g.event.action as string | undefined) ?? g.rule?.name ?? '(none)';

async function bulk(docs: { index: string; document: unknown }[]): Promise<void> {
  const operations = docs.flatMap((d) => [{ index: { _index: d.index } }, d.document]);
  const response = await client.bulk({ operations, refresh: true });
  if (response.errors) throw new Error(JSON.stringify(response.items.find((i) => i.index?.error !== undefined)));
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  await bulk([...inRange, ...OUTSIDE].map((g) => ({ index: eventIndex(prefix, g.event.dataset as string, g['@timestamp']), document: g })));
  // documents about events in system indices: never counted as events
  const copy = { ...KINDS.ssh(), '@timestamp': '2026-11-20T10:00:00.000Z', source: { ip: '218.92.0.107' } };
  await bulk([
    { index: `${prefix}-notable-2026.11.20`, document: copy },
    { index: `${prefix}-watch-history-2026.11.20`, document: copy },
    { index: `${prefix}-deadletter-2026.11.20`, document: copy },
  ]);
}, 120_000);

afterAll(async () => {
  await dropPrefix(client, prefix);
  await dropPrefix(client, empty);
  await client.close();
});

describe('topSources', () => {
  it('ranks Internet sources by attack evidence, local networks left out, with first/last seen, datasets and actions', async () => {
    expect(evidence.length).toBeGreaterThan(3000);
    const result = await topSources(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS, limit: 10 });
    const expected = model(evidence, isLocal).slice(0, 10);
    expect(result.rows).toEqual(
      expected.map(({ ip, count, first_seen, last_seen, gs }) => {
        const datasets = frequent(gs.map((g) => g.event.dataset as string));
        return { ip, count, first_seen, last_seen, datasets, actions: frequent(gs.map(actionOf)).slice(0, 10) };
      }),
    );
    expect(result.rows.slice(0, 4).map((r) => r.ip)).toEqual(['218.92.0.107', '2001:db8:ffff::7', '61.177.172.13', '45.148.10.1']);
    // the other 322 sources, and every event of theirs
    const all = ranked(evidence);
    const otherEvents = evidence.filter((g) => !isLocal(g.source.ip)).length - expected.reduce((s, r) => s + r.count, 0);
    expect(result).toMatchObject({ truncated: true, other_sources: all.length - 10, other_events: otherEvents, count_error: 0 });
    // OSSEC alerts carry no event.action: their rule names stand in
    expect(result.rows[0]?.actions).toContain('sshd: Attempt to login using a non-existent user');
    expect(result.rows[0]?.datasets.sort()).toEqual(['auth', 'netfilter', 'ossec', 'tcpdump', 'windows']);
  });

  it('returns every source when the limit is large enough: not truncated, nothing else', async () => {
    const result = await topSources(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS, limit: 1000 });
    expect(result.rows.map(({ ip, count, first_seen, last_seen }) => ({ ip, count, first_seen, last_seen }))).toEqual(ranked(evidence));
    expect(result).toMatchObject({ truncated: false, other_sources: 0, other_events: 0 });
  });

  it('says which rows have a cut dataset or action list', async () => {
    const result = await topSources(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS, limit: 1000 });
    const probe = result.rows.find((r) => r.ip === '192.0.2.200');
    // the twelfth and eleventh most frequent are not listed
    expect(probe?.actions).toEqual(PROBE_ACTIONS.slice(2).reverse());
    expect(result.lists_cut).toEqual(['192.0.2.200']);
  });

  it('min: leaves out sources with fewer events, and counts them among the others without calling it truncation', async () => {
    const result = await topSources(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS, limit: 1000, min: 12 });
    const kept = ranked(evidence).filter((r) => r.count >= 12);
    expect(kept.length).toBeGreaterThan(20);
    expect(result.rows.map((r) => [r.ip, r.count])).toEqual(kept.map((r) => [r.ip, r.count]));
    expect(result).toMatchObject({ truncated: false, other_sources: ranked(evidence).length - kept.length });
  });

  it('exclude [] counts local networks too; a custom list replaces the default', async () => {
    const all = await topSources(client, prefix, { since, until, exclude: [], limit: 3 });
    expect(all.rows.map((r) => [r.ip, r.count])).toEqual([['10.1.2.3', 900], ['192.168.0.44', 800], ['218.92.0.107', 700]]);
    const custom = await topSources(client, prefix, { since, until, exclude: ['10.0.0.0/8', '218.92.0.0/24'], limit: 2 });
    expect(custom.rows.map((r) => r.ip)).toEqual(['192.168.0.44', '2001:db8:ffff::7']);
    const v6 = await topSources(client, prefix, { since, until, exclude: [...DEFAULT_LOCAL_NETWORKS, '2001:DB8::/32'], limit: 1000 });
    expect(v6.rows.some((r) => r.ip.includes(':'))).toBe(false);
  });

  it('allEvents counts every event with a source address', async () => {
    const result = await topSources(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS, limit: 1000, allEvents: true });
    expect(result.rows.map(({ ip, count }) => ({ ip, count }))).toEqual(ranked(inRange).map(({ ip, count }) => ({ ip, count })));
  });

  it('refuses a bad range, limit or exclusion', async () => {
    await expect(topSources(client, prefix, { since, until, exclude: ['10.0.0.1/8'], limit: 5 })).rejects.toThrow(
      /exclude: "10.0.0.1\/8" is not a CIDR range or address: .*host bits set/,
    );
    await expect(topSources(client, prefix, { since: until, until: since, exclude: [], limit: 5 })).rejects.toThrow(/must be before until/);
    await expect(topSources(client, prefix, { since, until, exclude: [], limit: 0 })).rejects.toBeInstanceOf(VigilError);
  });

  it('an empty cluster prefix answers with nothing', async () => {
    expect(await topSources(client, empty, { since, until, exclude: [], limit: 5 })).toEqual({
      rows: [],
      other_sources: 0,
      other_events: 0,
      truncated: false,
      lists_cut: [],
      count_error: 0,
    });
  });
});

describe('dailyCounts', () => {
  it('counts evidence per UTC day, every day of the range, a day without events at 0', async () => {
    const counts = await dailyCounts(client, prefix, { since, until, exclude: DEFAULT_LOCAL_NETWORKS });
    const perDay = (day: string) => evidence.filter((g) => !isLocal(g.source.ip) && g['@timestamp'].startsWith(day)).length;
    expect(counts).toEqual(['2026-11-17', ...DAYS].map((day) => ({ day, count: perDay(day) })));
    expect(counts[0]).toEqual({ day: '2026-11-17', count: 0 });
    expect(counts.slice(1).every((c) => c.count > 500)).toBe(true);
  });

  it('an empty prefix: every day at 0; a range ending inside a day ends with that day', async () => {
    expect(await dailyCounts(client, empty, { since: new Date('2026-11-20T12:00:00Z'), until: new Date('2026-11-22T00:00:01Z'), exclude: [] })).toEqual([
      { day: '2026-11-20', count: 0 },
      { day: '2026-11-21', count: 0 },
      { day: '2026-11-22', count: 0 },
    ]);
  });
});

describe('sourceHistory', () => {
  it('lists what one address did per day, dataset and action, adding up to its count', async () => {
    const history = await sourceHistory(client, prefix, '2001:DB8:FFFF:0::7', { since, until });
    const gs = evidence.filter((g) => g.source.ip === '2001:db8:ffff::7');
    const groups = new Map<string, number>();
    for (const g of gs) {
      const key = `${g['@timestamp'].slice(0, 10)}|${g.event.dataset as string}|${actionOf(g)}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const expected = [...groups.entries()]
      .map(([key, count]) => {
        const [day, dataset, action] = key.split('|') as [string, string, string];
        return { day, dataset, action, count };
      })
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : b.count - a.count || (a.dataset + a.action < b.dataset + b.action ? -1 : 1)));
    expect(history).toEqual({ ip: '2001:db8:ffff::7', count: 420, ...seen(gs), days: expected, truncated: false });
    expect(history.days.reduce((s, d) => s + d.count, 0)).toBe(420);
  });

  it('allEvents adds what is not evidence; an address without events has an empty history', async () => {
    const all = await sourceHistory(client, prefix, '203.0.113.1', { since, until, allEvents: true });
    expect(all.count).toBe(inRange.filter((g) => g.source.ip === '203.0.113.1').length);
    expect(all.days.some((d) => d.action === 'tcp_ack' || d.action === 'ufw_allow' || d.dataset === 'auth')).toBe(true);
    expect(await sourceHistory(client, prefix, '192.0.2.99', { since, until })).toEqual({ ip: '192.0.2.99', count: 0, days: [], truncated: false });
    await expect(sourceHistory(client, prefix, '10.0.0.0/8', { since, until })).rejects.toThrow(/not an IP address/);
  });
});

describe('alertedSources', () => {
  it('reads the alerts whose entity has a source address and whose activity is in the range', async () => {
    const alerts = new ElasticsearchAlertStore({ client, prefix });
    const entity = (ip: string) => ({ 'source.ip': ip });
    const resolved = { last_seen: '2026-11-21T10:00:00.000Z', episode: 3, state: 'resolved' as const };
    await alerts.write(testAlert('auth.brute', entity('203.0.113.9'), '{"source.ip":"203.0.113.9"}', resolved), 'create');
    await alerts.write(testAlert('auth.brute', entity('203.0.113.8'), '{"source.ip":"203.0.113.8"}', { last_seen: '2026-11-10T10:00:00.000Z' }), 'create');
    await alerts.write(testAlert('auth.users', { 'user.name': 'root' }, '{"user.name":"root"}', { last_seen: '2026-11-21T10:00:00.000Z' }), 'create');
    const nested = { source: { ip: '2001:db8::1' } };
    await alerts.write(testAlert('scan.ports', nested, '{"source":{"ip":"2001:db8::1"}}', { last_seen: '2026-11-22T10:00:00.000Z' }), 'create');
    expect(await alertedSources(client, prefix, { since, until })).toEqual([
      {
        ip: '2001:db8::1',
        watch_id: 'scan.ports',
        entity_key: '{"source":{"ip":"2001:db8::1"}}',
        state: 'new',
        episode: 1,
        first_seen: '2026-11-22T09:00:00.000Z',
        last_seen: '2026-11-22T10:00:00.000Z',
      },
      {
        ip: '203.0.113.9',
        watch_id: 'auth.brute',
        entity_key: '{"source.ip":"203.0.113.9"}',
        state: 'resolved',
        episode: 3,
        first_seen: '2026-11-22T09:00:00.000Z',
        last_seen: '2026-11-21T10:00:00.000Z',
      },
    ]);
    expect(await alertedSources(client, empty, { since, until })).toEqual([]);
  });
});
