import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, setupIndices } from '@vigil/store';
import { dropPrefix, fixturesDir, readFixture, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { commitFinal, ingestFileOnce, OffsetStore, RecordSink } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(client, prefix);
  await client.close();
});

const lineCount = (path: string) => readFixture(path).split('\n').length - (readFixture(path).endsWith('\n') ? 1 : 0);
const alertCount = (path: string) => readFixture(path).split('\n').filter((l) => l.startsWith('** Alert ')).length;

/** Fixture, parser, how many documents it must give, and the datasets its events must land in. */
const CASES: Array<{ path: string; source: string; expected: () => number; datasets: string[] }> = [
  { path: 'loghub/Linux/Linux_2k.log', source: 'syslog', expected: () => lineCount('loghub/Linux/Linux_2k.log'), datasets: ['auth', 'syslog'] },
  { path: 'elastic-beats/system-auth/test.log', source: 'syslog', expected: () => lineCount('elastic-beats/system-auth/test.log'), datasets: ['auth'] },
  { path: 'elastic-integrations/iptables/test-iptables-raw.log', source: 'syslog', expected: () => lineCount('elastic-integrations/iptables/test-iptables-raw.log'), datasets: ['netfilter'] },
  { path: 'crowdsec-hub/sshd-logs/sshd-logs.log', source: 'syslog', expected: () => lineCount('crowdsec-hub/sshd-logs/sshd-logs.log'), datasets: ['auth'] },
  { path: 'crowdsec-hub/iptables-logs/iptables-logs.log', source: 'syslog', expected: () => lineCount('crowdsec-hub/iptables-logs/iptables-logs.log'), datasets: ['netfilter'] },
  { path: 'tcpdump-derived/ssh.syn-tttt.txt', source: 'tcpdump', expected: () => lineCount('tcpdump-derived/ssh.syn-tttt.txt'), datasets: ['tcpdump'] },
  { path: 'tcpdump-derived/resp_1_benchmark.syn-tttt.txt', source: 'tcpdump', expected: () => lineCount('tcpdump-derived/resp_1_benchmark.syn-tttt.txt'), datasets: ['tcpdump'] },
  { path: 'perl-ossec-log-parse/alerts.log', source: 'ossec', expected: () => alertCount('perl-ossec-log-parse/alerts.log'), datasets: ['ossec'] },
  { path: 'excerpts/ossec-alerts-log.log', source: 'ossec', expected: () => alertCount('excerpts/ossec-alerts-log.log'), datasets: ['ossec'] },
  { path: 'excerpts/ossec-alerts.jsonl', source: 'ossec', expected: () => lineCount('excerpts/ossec-alerts.jsonl'), datasets: ['ossec'] },
  { path: 'excerpts/ossec-syslog-output-default.log', source: 'ossec', expected: () => lineCount('excerpts/ossec-syslog-output-default.log'), datasets: ['ossec'] },
  { path: 'excerpts/windows-4625-winevtlog-legacy.log', source: 'windows', expected: () => lineCount('excerpts/windows-4625-winevtlog-legacy.log'), datasets: ['windows'] },
  { path: 'crowdsec-hub/windows-logs/windows-logs.log', source: 'windows', expected: () => lineCount('crowdsec-hub/windows-logs/windows-logs.log'), datasets: ['windows'] },
];

describe('fixture files into Elasticsearch', () => {
  beforeAll(() => {
    readFixture('README.md'); // fails plainly, naming the folder, when ../shared/fixtures is absent
  });

  it.each(CASES)('$path ($source) gives one document per record, in daily indices of its dataset', async ({ path, source, expected, datasets }) => {
    const prefix = uniquePrefix(source);
    prefixes.push(prefix);
    await setupIndices(client, prefix);
    const parser = parserFor(source);
    const writer = new BulkWriter({ client, prefix });
    const sink = new RecordSink({ parser, writer, prefix, clock: new ManualClock('2026-11-22T12:00:00Z') });
    const offsets = new OffsetStore(join(mkdtempSync(join(tmpdir(), 'vigil-fixture-')), 'offsets.json'));
    const result = await ingestFileOnce(join(fixturesDir(), path), { sink, parser, offsets, now: () => new Date() });
    await writer.close();
    commitFinal(offsets, result, new Date());

    const want = expected();
    expect(writer.stats).toMatchObject({ indexed: want, duplicates: 0, deadLettered: 0 });
    await client.indices.refresh({ index: `${prefix}-*` });
    const counts = await client.search({ index: `${prefix}-*,-${prefix}-watches,-${prefix}-alerts`, size: 0, aggs: { idx: { terms: { field: '_index', size: 100 } }, kind: { terms: { field: 'event.kind' } } } });
    const total = typeof counts.hits.total === 'number' ? counts.hits.total : counts.hits.total?.value;
    expect(total).toBe(want);
    const indices = ((counts.aggregations?.idx as { buckets: Array<{ key: string }> }).buckets).map((b) => b.key);
    for (const index of indices) expect(index).toMatch(new RegExp(`^${prefix}-[a-z_]+-\\d{4}\\.\\d{2}\\.\\d{2}$`));
    const seen = new Set(indices.map((i) => i.slice(prefix.length + 1).replace(/-\d{4}\.\d{2}\.\d{2}$/, '')));
    for (const dataset of datasets) expect(seen).toContain(dataset);
    // the file's committed offset is its end: a second run would add nothing
    expect(offsets.get(result.path)?.offset).toBe(result.size);
  });
});
