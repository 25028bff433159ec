// npm run bench:ingest — figures for docs/benchmarks.md (run by scripts/bench with the services up).
//  1. parse throughput per format, one core: parser.parse, the full record → event step, and record →
//     JSON bytes (event serialized and UTF-8 encoded into a buffer, the whole CPU path of `vigil parse`)
//  2. end-to-end events/s into the local Elasticsearch, next to a plain _bulk of the same documents
//  3. peak RSS of a `vigil ingest serve` process fed 10,000 lines/s
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@vigil/core';
import { parserFor, toEvent, type ParseContext } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, eventIndex, setupIndices } from '@vigil/store';
import { fixtureLines, repoRoot, serviceEnv, uniquePrefix, dropPrefix } from '@vigil/testkit';
import { recordId, RecordSink } from '../src/index.ts';

const root = repoRoot();
const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

/** Sample lines per format, from the shared fixtures (the parsers' own test data). */
const SAMPLES: Array<{ label: string; source: string; lines: () => string[] }> = [
  { label: 'syslog (loghub Linux)', source: 'syslog', lines: () => fixtureLines('loghub/Linux/Linux_2k.log') },
  { label: 'sshd (fail2ban)', source: 'syslog', lines: () => fixtureLines('fail2ban/sshd').filter((l) => !l.startsWith('#') && l.trim() !== '') },
  { label: 'netfilter (crowdsec)', source: 'syslog', lines: () => fixtureLines('crowdsec-hub/iptables-scan-multi-port/iptables-scan-multi-port.log') },
  { label: 'tcpdump SYN', source: 'tcpdump', lines: () => ['bgp-4byte-asn', 'ssh', 'whois', 'mptcp-v0', 'scps_invalid'].flatMap((n) => fixtureLines(`tcpdump-derived/${n}.syn-tttt.txt`)) },
  { label: 'ossec JSON', source: 'ossec', lines: () => fixtureLines('excerpts/ossec-alerts.jsonl') },
  { label: 'windows legacy', source: 'windows', lines: () => fixtureLines('excerpts/windows-4625-winevtlog-legacy.log') },
];

function linesPerSecond(lines: string[], step: (line: string) => unknown, seconds = 2): number {
  let n = 0;
  for (let i = 0; i < 20_000; i += 1) step(lines[i % lines.length] as string); // warm up
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 10_000; i += 1) step(lines[(n + i) % lines.length] as string);
    n += 10_000;
  }
  return n / ((performance.now() - start) / 1000);
}

function parseThroughput(): void {
  console.log('\n1. parse throughput, one core (lines/s)');
  console.log('| format | parse | record → event | record → JSON bytes |\n|---|---:|---:|---:|');
  const out = Buffer.allocUnsafe(1 << 20);
  let at = 0;
  // what JsonLinesBuffer (packages/cli/src/output.ts) does per event
  const toBytes = (json: string) => {
    if (at + json.length * 3 + 1 > out.length) at = 0;
    at += out.write(json, at, 'utf8');
    out[at++] = 0x0a;
  };
  for (const sample of SAMPLES) {
    let parser;
    try {
      parser = parserFor(sample.source);
    } catch {
      console.log(`| ${sample.label} | parser not built yet | |`);
      continue;
    }
    const lines = sample.lines();
    const parse = linesPerSecond(lines, (l) => parser.parse(l, ctx));
    const full = linesPerSecond(lines, (l) => toEvent(parser, l, ctx));
    const bytes = linesPerSecond(lines, (l) => toBytes(JSON.stringify(toEvent(parser, l, ctx))));
    console.log(`| ${sample.label} | ${Math.round(parse).toLocaleString('en')} | ${Math.round(full).toLocaleString('en')} | ${Math.round(bytes).toLocaleString('en')} |`);
  }
}

async function endToEnd(count: number): Promise<void> {
  const env = serviceEnv(root);
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  const lines = fixtureLines('loghub/Linux/Linux_2k.log');
  const parser = parserFor('auto');
  console.log(`\n2. end-to-end into Elasticsearch, ${count.toLocaleString('en')} events (events/s)`);

  // Vigil: record → event → writer, as an input drives it
  const prefixA = uniquePrefix('bench-vigil');
  await setupIndices(client, prefixA);
  const writer = new BulkWriter({ client, prefix: prefixA });
  const sink = new RecordSink({ parser, writer, prefix: prefixA, clock: systemClock });
  let start = performance.now();
  for (let i = 0; i < count; i += 1) {
    const text = lines[i % lines.length] as string;
    await sink.write(text, recordId('bench', i, text), {});
  }
  await writer.close();
  const vigil = count / ((performance.now() - start) / 1000);

  // plain _bulk: the same documents, serialized beforehand, same batch size and concurrency
  const prefixB = uniquePrefix('bench-plain');
  await setupIndices(client, prefixB);
  const bodies: string[] = [];
  let batch = '';
  for (let i = 0; i < count; i += 1) {
    const text = lines[i % lines.length] as string;
    const event = toEvent(parser, text, { timezone: 'UTC', now: new Date() });
    batch += `{"create":{"_index":"${eventIndex(prefixB, event.event.dataset, event['@timestamp'])}","_id":"${recordId('bench', i, text)}"}}\n${JSON.stringify(event)}\n`;
    if (batch.length >= 5 * 1024 * 1024) {
      bodies.push(batch);
      batch = '';
    }
  }
  if (batch !== '') bodies.push(batch);
  start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      await client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body, querystring: { filter_path: 'errors' } });
    }
  };
  await Promise.all([worker(), worker()]);
  const plain = count / ((performance.now() - start) / 1000);
  console.log(`| path | events/s |\n|---|---:|\n| vigil (parse + write) | ${Math.round(vigil).toLocaleString('en')} |\n| plain _bulk, pre-serialized | ${Math.round(plain).toLocaleString('en')} |\n| ratio | ${(vigil / plain).toFixed(2)} |`);
  await dropPrefix(client, prefixA);
  await dropPrefix(client, prefixB);
  await client.close();
}

/**
 * The NODE_OPTIONS of vigil-ingest in docker-compose.yml; the bench measures what is shipped.
 * `BENCH_NODE_OPTIONS` overrides them, to try other heap flags.
 */
const INGEST_NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? (() => {
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  return /NODE_OPTIONS: "([^"]+)"/.exec(compose)?.[1] ?? '';
})();

/** The CLI entry part 3 runs: the TypeScript one, or `BENCH_VIGIL_MAIN=dist/packages/cli/bin/vigil.js` (scripts/build). */
const VIGIL_MAIN = join(root, process.env.BENCH_VIGIL_MAIN ?? 'packages/cli/bin/vigil.js');

/**
 * The metrics endpoint is on, as docker-compose.yml runs vigil-ingest (on a free loopback port);
 * `BENCH_METRICS=off` leaves it out, to see what it costs.
 */
const METRICS = process.env.BENCH_METRICS ?? '127.0.0.1:0';

function vmHwmKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
}

function vmRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
}

async function peakRss(seconds: number, rate: number): Promise<void> {
  const env = serviceEnv(root);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-rss-'));
  const log = join(dir, 'auth.log');
  writeFileSync(log, '');
  const ingestDir = join(dir, 'ingest');
  const prefix = uniquePrefix('bench-rss');
  await import('node:fs').then((fs) => fs.mkdirSync(ingestDir));
  writeFileSync(join(ingestDir, 'auth.yaml'), `type: file\nparser: auto\npaths: [${log}]\n`);
  const child = spawn(process.execPath, [VIGIL_MAIN, 'ingest', 'serve', '--dir', ingestDir, '--state', join(dir, 'state'), '--metrics', METRICS], {
    // the heap settings docker-compose.yml gives vigil-ingest
    env: { ...process.env, NODE_OPTIONS: INGEST_NODE_OPTIONS, VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_INDEX_PREFIX: prefix },
    stdio: 'ignore',
  });
  let exited: number | string | null | undefined;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  // idle: started, watching an empty file, nothing read yet
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_IDLE_SECONDS ?? 8) * 1000));
  const idleHwm = vmHwmKb(child.pid as number);
  const idleRss = vmRssKb(child.pid as number);
  const lines = fixtureLines('loghub/Linux/Linux_2k.log');
  let written = 0;
  for (let s = 0; s < seconds; s += 1) {
    const tick = Date.now();
    appendFileSync(log, Array.from({ length: rate }, () => `${lines[written++ % lines.length]}\n`).join(''));
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
  }
  await new Promise((r) => setTimeout(r, 3_000));
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL }, { requestTimeoutMs: 120_000 });
  // survived = still running and everything written is indexed (it may lag behind on a slow machine)
  let indexed = 0;
  for (let waited = 0; waited < 60 && exited === undefined; waited += 1) {
    try {
      await client.indices.refresh({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
      indexed = (await client.count({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true })).count;
    } catch {
      // a busy Elasticsearch answers late: count again
    }
    if (indexed >= written) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const died = exited === undefined ? '' : `, EXITED (${String(exited)})`;
  const peak = exited === undefined ? vmHwmKb(child.pid as number) : 0;
  child.kill('SIGTERM');
  if (exited === undefined) await new Promise((r) => child.on('close', r));
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  console.log(`\n3. vigil ingest serve (${VIGIL_MAIN.slice(root.length + 1)}, NODE_OPTIONS=\"${INGEST_NODE_OPTIONS}\", --metrics ${METRICS}): idle RSS ${mb(idleRss)} MB (high-water ${mb(idleHwm)} MB); fed ${rate.toLocaleString('en')} lines/s for ${seconds} s: peak RSS ${mb(peak)} MB, ${indexed.toLocaleString('en')}/${written.toLocaleString('en')} lines indexed${died}`);
  await dropPrefix(client, prefix);
  await client.close();
}

/** `BENCH_PARTS=rss` (any of parse, e2e, rss, comma-separated) runs only those parts. */
const parts = new Set((process.env.BENCH_PARTS ?? 'parse,e2e,rss').split(','));
console.log(`vigil bench:ingest — node ${process.version}, ${new Date().toISOString()}`);
if (parts.has('parse')) parseThroughput();
if (parts.has('e2e')) await endToEnd(Number(process.env.BENCH_EVENTS ?? 200_000));
if (parts.has('rss')) await peakRss(Number(process.env.BENCH_RSS_SECONDS ?? 30), 10_000);
