// Issue 12, case 5: committed offsets are keyed by the file *and* where its events went (cluster,
// prefix, dataset), and a resume is trusted only while the destination still holds the file's events.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, eventIndices, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix, until } from '@vigil/testkit';
import { commitFinal, ingestFileOnce, IngestServer, parseInputConfig, RecordSink } from '../src/index.ts';
import { OffsetStore, sameDestination, type OffsetDestination } from '../src/offsets.ts';

const env = serviceEnv(repoRoot());
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const prefixes = [uniquePrefix('offsets-a'), uniquePrefix('offsets-b'), uniquePrefix('offsets-serve-a'), uniquePrefix('offsets-serve-b')] as const;
const [prefixA, prefixB, servePrefixA, servePrefixB] = prefixes;
const dir = mkdtempSync(join(tmpdir(), 'vigil-offsets-'));

afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(client, prefix);
  await client.close();
});

const LINES = 300;
function authLog(name: string, lines = LINES): string {
  const file = join(dir, name);
  writeFileSync(file, Array.from({ length: lines }, (_, i) => `Nov 22 09:00:${String(i % 60).padStart(2, '0')} web1 sshd[${100 + i}]: Failed password for root from 10.0.0.${i % 250} port 22 ssh2\n`).join(''));
  return file;
}

async function count(prefix: string, file?: string): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const query = file === undefined ? { match_all: {} } : { term: { 'log.file.path': file } };
  return (await client.count({ index: eventIndices(prefix), allow_no_indices: true, ignore_unavailable: true, query })).count;
}

/** One `vigil ingest`-like run of `file` into `prefix` with the offsets in `state`. */
async function ingestOnce(file: string, prefix: string, state: string) {
  await setupIndices(client, prefix);
  const parser = parserFor('auto');
  const writer = new BulkWriter({ client, prefix });
  const sink = new RecordSink({ parser, writer, prefix, clock: systemClock });
  const destination = await OffsetStore.destinationOf(client, { url: env.VIGIL_ELASTICSEARCH_URL, prefix, dataset: OffsetStore.datasetKey(undefined, parser.source) });
  const offsets = new OffsetStore(state, destination);
  const result = await ingestFileOnce(file, { sink, parser, offsets, client, now: () => new Date() });
  await writer.close();
  commitFinal(offsets, result, new Date());
  return { result, stats: writer.stats };
}

const here: OffsetDestination = { clusterUuid: 'uuid-1', clusterName: 'one', url: 'http://127.0.0.1:9200', prefix: 'vigil', dataset: 'auth' };

describe('offset state keyed by destination', () => {
  it('tells destinations apart by prefix, dataset and cluster uuid, and by URL only when a uuid is unknown', () => {
    expect(sameDestination(here, { ...here, url: 'http://other:9200' })).toBe(true);
    expect(sameDestination(here, { ...here, clusterUuid: 'uuid-2' })).toBe(false);
    expect(sameDestination(here, { ...here, prefix: 'other' })).toBe(false);
    expect(sameDestination(here, { ...here, dataset: 'ossec' })).toBe(false);
    const { clusterUuid: _uuid, ...byUrl } = here;
    expect(sameDestination(here, byUrl)).toBe(true);
    expect(sameDestination(byUrl, { ...byUrl, url: 'http://other:9200' })).toBe(false);
    expect(sameDestination(undefined, undefined)).toBe(true);
    expect(sameDestination(here, undefined)).toBe(false);
  });

  it('keeps one offset per destination for the same file, in one state file that views share', () => {
    const state = join(mkdtempSync(join(dir, 'views-')), 'offsets.json');
    const store = new OffsetStore(state);
    const a = store.forDestination(here);
    const b = store.forDestination({ ...here, prefix: 'other' });
    a.set('/var/log/auth.log', 7, 1000, new Date());
    expect(b.resumeAt('/var/log/auth.log', 7, 5000)).toBe(0);
    b.set('/var/log/auth.log', 7, 400, new Date());
    store.save();

    const reloaded = new OffsetStore(state, here);
    expect(reloaded.resumeAt('/var/log/auth.log', 7, 5000)).toBe(1000);
    expect(reloaded.forDestination({ ...here, prefix: 'other' }).resumeAt('/var/log/auth.log', 7, 5000)).toBe(400);
    expect(reloaded.resume('/var/log/auth.log', 7, 5000).elsewhere.map((d) => d.prefix)).toEqual(['other']);
    // another cluster behind the same URL (a new uuid) is a new destination
    expect(reloaded.forDestination({ ...here, clusterUuid: 'uuid-2' }).resumeAt('/var/log/auth.log', 7, 5000)).toBe(0);
    // a rotated file (other inode) or a shorter one starts over, as before
    expect(reloaded.resumeAt('/var/log/auth.log', 8, 5000)).toBe(0);
    expect(reloaded.resumeAt('/var/log/auth.log', 7, 999)).toBe(0);
  });

  it('loads state written before offsets had a destination: kept as "destination unknown", not applied, replaced once the file is committed again', () => {
    const state = join(mkdtempSync(join(dir, 'legacy-')), 'offsets.json');
    writeFileSync(state, JSON.stringify({ '/var/log/auth.log': { ino: 7, offset: 1000, updated: '2026-01-01T00:00:00.000Z' }, '/var/log/other.log': { ino: 9, offset: 50, updated: '2026-01-01T00:00:00.000Z' } }));
    const store = new OffsetStore(state, here);
    const lookup = store.resume('/var/log/auth.log', 7, 5000);
    expect(lookup.offset).toBe(0);
    expect(lookup.legacy).toEqual({ ino: 7, offset: 1000, updated: '2026-01-01T00:00:00.000Z' });
    // what the old code read and wrote: a store without a destination still sees those offsets
    expect(new OffsetStore(state).resumeAt('/var/log/auth.log', 7, 5000)).toBe(1000);

    store.set('/var/log/auth.log', 7, 1200, new Date());
    store.save();
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { version: number; files: Array<{ path: string; destination?: OffsetDestination }> };
    expect(saved.version).toBe(2);
    expect(saved.files.map((f) => [f.path, f.destination?.prefix])).toEqual([
      ['/var/log/other.log', undefined],
      ['/var/log/auth.log', 'vigil'],
    ]);
    expect(new OffsetStore(state, here).resume('/var/log/auth.log', 7, 5000)).toMatchObject({ offset: 1200, elsewhere: [] });
  });

  it('refuses a state file it cannot read, naming the file', () => {
    const state = join(mkdtempSync(join(dir, 'bad-')), 'offsets.json');
    writeFileSync(state, JSON.stringify({ version: 2, files: [{ path: '/x', ino: 'seven', offset: 1, updated: 'x' }] }));
    expect(() => new OffsetStore(state)).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE', message: expect.stringContaining('/x'), location: { file: state } }));
    writeFileSync(state, JSON.stringify({ version: 3, files: [] }));
    expect(() => new OffsetStore(state)).toThrow(/version 3/);
  });

  it('identifies the test cluster by its cluster_uuid', async () => {
    const destination = await OffsetStore.destinationOf(client, { url: env.VIGIL_ELASTICSEARCH_URL, prefix: 'p', dataset: 'd' });
    const state = (await client.cluster.state({ metric: 'metadata', filter_path: 'metadata.cluster_uuid' })) as { metadata: { cluster_uuid: string } };
    expect(destination.clusterUuid).toBe(state.metadata.cluster_uuid);
    expect(destination.url).not.toContain(new URL(env.VIGIL_ELASTICSEARCH_URL).password || '\0');
  });
});

describe('ingestFileOnce into several destinations', () => {
  it('ingests the same file afresh into another prefix, and says where it went before', async () => {
    const file = authLog('two-prefixes.log');
    const state = join(dir, 'two-prefixes', 'offsets.json');
    const first = await ingestOnce(file, prefixA, state);
    expect(first.result.records).toBe(LINES);
    expect(await count(prefixA)).toBe(LINES);

    const second = await ingestOnce(file, prefixB, state);
    expect(second.result.resumedAt).toBe(0);
    expect(second.result.records).toBe(LINES);
    expect(second.result.resume).toMatchObject({ reason: 'new', elsewhere: 1 });
    expect(second.result.resume.message).toContain(`ingested before into prefix "${prefixA}"`);
    expect(await count(prefixB)).toBe(LINES);

    // back to the first prefix: resumed at the end, and the summary says what was skipped and where it is
    const third = await ingestOnce(file, prefixA, state);
    expect(third.result.records).toBe(0);
    expect(third.result.resume).toMatchObject({ reason: 'resumed', at: statSync(file).size, stored: LINES });
    expect(third.result.resume.message).toMatch(new RegExp(`^bytes 0-${statSync(file).size} skipped, already in prefix "${prefixA}", datasets of the auto parser on cluster "[^"]+" \\(\\S+\\) \\(${LINES} events of this file\\)$`));
  });

  it('does not trust a resume into a destination whose indices were deleted: reads the file again and says why', async () => {
    const file = authLog('emptied.log');
    const state = join(dir, 'emptied', 'offsets.json');
    await ingestOnce(file, prefixA, state);
    const before = await count(prefixA);
    // the cluster was emptied: every event index of the prefix is gone
    const resolved = await client.indices.resolveIndex({ name: eventIndices(prefixA) });
    const eventIndexNames = resolved.indices.map((i) => i.name);
    expect(eventIndexNames.length).toBeGreaterThan(0);
    await client.indices.delete({ index: eventIndexNames });
    expect(await count(prefixA)).toBe(0);

    const again = await ingestOnce(file, prefixA, state);
    expect(again.result.resumedAt).toBe(0);
    expect(again.result.records).toBe(LINES);
    expect(again.result.resume).toMatchObject({ reason: 'not_in_destination', ignored: statSync(file).size });
    expect(again.result.resume.message).toContain(`no event of this file is in prefix "${prefixA}"`);
    expect(again.stats.indexed).toBe(LINES);
    expect(await count(prefixA)).toBe(LINES);
    expect(before).toBeGreaterThanOrEqual(LINES);
  });

  it('reads a file again when the only offset comes from state without destinations, and says so', async () => {
    const file = authLog('legacy.log');
    const state = join(dir, 'legacy-run', 'offsets.json');
    const info = statSync(file);
    mkdirSync(join(dir, 'legacy-run'));
    writeFileSync(state, JSON.stringify({ [file]: { ino: info.ino, offset: info.size, updated: '2026-01-01T00:00:00.000Z' } }));
    const run = await ingestOnce(file, prefixB, state);
    expect(run.result.records).toBe(LINES);
    expect(run.result.resume).toMatchObject({ reason: 'unknown_destination', ignored: info.size });
    expect(run.result.resume.message).toContain('did not record where events went');
  });
});

describe('vigil ingest serve offsets', () => {
  it('follows the same file into a second prefix with the same state folder from its start', async () => {
    const file = authLog('serve.log', 120);
    const stateDir = join(dir, 'serve-state');
    const serveInto = async (prefix: string) => {
      await setupIndices(client, prefix);
      const input = parseInputConfig(join(dir, 'ingest', 'auth.yaml'), `type: file\nparser: auto\npaths:\n  - ${file}\n`);
      const server = new IngestServer({ client, prefix, inputs: [input], stateDir, clock: systemClock, log: () => {}, flushIntervalMs: 100 });
      await server.start();
      await until(`120 events in ${prefix}`, async () => (await count(prefix)) === 120, 30_000, 200);
      await server.stop();
    };
    await serveInto(servePrefixA);
    await serveInto(servePrefixB);
    const saved = JSON.parse(readFileSync(join(stateDir, 'offsets.json'), 'utf8')) as { files: Array<{ path: string; offset: number; destination: OffsetDestination }> };
    expect(saved.files.filter((f) => f.path === file).map((f) => [f.destination.prefix, f.offset])).toEqual([
      [servePrefixA, statSync(file).size],
      [servePrefixB, statSync(file).size],
    ]);
  }, 90_000);

  it('reads a followed file again when the destination lost its events while the server was down, and logs why', async () => {
    const file = authLog('serve-emptied.log', 80);
    const stateDir = join(dir, 'serve-emptied-state');
    const input = parseInputConfig(join(dir, 'ingest', 'auth.yaml'), `type: file\nparser: auto\npaths:\n  - ${file}\n`);
    const serve = async (log: string[]) => {
      const server = new IngestServer({ client, prefix: servePrefixA, inputs: [input], stateDir, clock: systemClock, log: (line) => log.push(line), flushIntervalMs: 100 });
      await server.start();
      await until(`80 events of ${file}`, async () => (await count(servePrefixA, file)) === 80, 30_000, 200);
      await server.stop();
    };
    await serve([]);
    const names = (await client.indices.resolveIndex({ name: eventIndices(servePrefixA) })).indices.map((i) => i.name);
    await client.indices.delete({ index: names });
    const log: string[] = [];
    await serve(log);
    expect(log).toContain(`input auth: ${file}: not resumed at byte ${statSync(file).size}: no event of this file is in prefix "${servePrefixA}", datasets of the auto parser on cluster "${(await client.cluster.health()).cluster_name}" (${(await OffsetStore.destinationOf(client, { url: '', prefix: '', dataset: '' })).clusterUuid}) (indices deleted or emptied?); read from the start, ids prevent duplicates`);
  }, 90_000);
});
