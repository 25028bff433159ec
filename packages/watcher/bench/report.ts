// npm run bench:report — the daily report (seed 004) over months of events, for docs/benchmarks.md.
//   --events 1000000 --sources 10000 --days 90
// Indexes `events` attack events (failed logins, firewall denials, SYN captures) from `sources`
// addresses outside the local networks, plus a tenth as many from local addresses (left out), spread
// over `days` daily indices, the counts per source skewed as real attacks are (a few addresses make
// most of the events: the i-th source weighs 1/(i+1)). Then times, each the median of 3: the
// top-sources aggregation for 24 h and 90 days (what `vigil stats top-sources` runs), the daily
// timeline, and one dry run of the shipped reports/top_offenders watch (input, transform, and the
// mail rendered with its two charts and the CSV, not sent).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { watchSchema } from '@vigil/actions';
import { loadWatchFile, ManualClock } from '@vigil/core';
import { createElasticsearchClient, dailyCounts, DEFAULT_LOCAL_NETWORKS, eventIndex, MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry, setupIndices, topSources } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { runOnce } from '../src/index.ts';

const { values: flags } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, sources: { type: 'string', default: '10000' }, days: { type: 'string', default: '90' } } });
const [events, sources, days] = [Number(flags.events), Number(flags.sources), Number(flags.days)];
const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('bench-report');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const AT = new Date('2026-11-23T07:00:00Z');
const DAY = 86_400_000;

const publicIp = (i: number) => `${[203, 198, 192][i % 3]}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const localIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const KINDS = [
  (ip: string, at: string) => ({ '@timestamp': at, event: { kind: 'event', dataset: 'auth', outcome: 'failure', action: 'ssh_login' }, source: { ip }, tags: ['auth_failure'] }),
  (ip: string, at: string) => ({ '@timestamp': at, event: { kind: 'event', dataset: 'netfilter', type: ['connection', 'denied'], action: 'drop' }, source: { ip } }),
  (ip: string, at: string) => ({ '@timestamp': at, event: { kind: 'event', dataset: 'tcpdump' }, tags: ['tcp_connection_started'], source: { ip } }),
];

/** The source of the n-th event: source i with weight 1/(i+1), by inverting the harmonic sum. */
function sourceOf(n: number, harmonic: number[]): number {
  const target = ((n * 0.6180339887) % 1) * harmonic[harmonic.length - 1]!;
  let lo = 0;
  let hi = harmonic.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (harmonic[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function index(): Promise<void> {
  const harmonic: number[] = [];
  for (let i = 0, sum = 0; i < sources; i++) harmonic.push((sum += 1 / (i + 1)));
  const total = events + Math.floor(events / 10);
  let batch: unknown[] = [];
  for (let n = 0; n < total; n++) {
    const local = n >= events;
    const ip = local ? localIp(n % 1000) : publicIp(sourceOf(n, harmonic));
    const at = new Date(AT.getTime() - ((n * 7919 * 1000) % (days * DAY)) - 1).toISOString();
    const doc = KINDS[n % 3]!(ip, at);
    batch.push({ create: { _index: eventIndex(prefix, (doc.event as { dataset: string }).dataset, at) } }, doc);
    if (batch.length >= 20_000 || n === total - 1) {
      const result = await client.bulk({ operations: batch });
      if (result.errors) throw new Error('bulk indexing failed');
      batch = [];
    }
  }
  await client.indices.refresh({ index: `${prefix}-*` });
}

async function median(what: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await what();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1]!;
}

async function main(): Promise<void> {
  await setupIndices(client, prefix);
  const t0 = performance.now();
  await index();
  const indexed = performance.now() - t0;
  const range = (ms: number) => ({ since: new Date(AT.getTime() - ms), until: AT, exclude: DEFAULT_LOCAL_NETWORKS });
  const last90 = await topSources(client, prefix, { ...range(90 * DAY), limit: 20 });
  const rows = [
    ['top sources, last 24 h (limit 20)', await median(() => topSources(client, prefix, { ...range(DAY), limit: 20 }))],
    ['top sources, last 90 days (limit 20)', await median(() => topSources(client, prefix, { ...range(90 * DAY), limit: 20 }))],
    ['top sources, last 90 days (limit 1000)', await median(() => topSources(client, prefix, { ...range(90 * DAY), limit: 1000 }))],
    ['daily timeline, 90 days', await median(() => dailyCounts(client, prefix, range(90 * DAY)))],
  ] as [string, number][];
  const watch = loadWatchFile(join(root, 'watches/reports/top_offenders.yaml'), watchSchema()).watch;
  const clock = new ManualClock(AT);
  const deps = { registry: new MemoryWatchRegistry({ clock }), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore(), elasticsearch: client, indexPrefix: prefix, clock, log: () => undefined, services: { elasticsearch: client } };
  rows.push(['reports/top_offenders dry run (input, charts and CSV rendered)', await median(() => runOnce(deps, watch, { at: AT, dryRun: true, runId: 'bench' }))]);
  console.log(`\n### ${new Date().toISOString().slice(0, 10)}: ${events.toLocaleString('en')} attack events (+${Math.floor(events / 10).toLocaleString('en')} local) from ${sources.toLocaleString('en')} sources over ${days} daily indices per dataset (indexed in ${(indexed / 1000).toFixed(0)} s)\n`);
  console.log(`Top source of 90 days: ${last90.rows[0]?.ip} with ${last90.rows[0]?.count} events; ${last90.other_sources} other sources, count error ${last90.count_error}.\n`);
  console.log('| what | median of 3 |');
  console.log('|---|---:|');
  for (const [what, ms] of rows) console.log(`| ${what} | ${ms.toFixed(0)} ms |`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await dropPrefix(client, prefix);
    await client.close();
  });
