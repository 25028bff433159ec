import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { dropPrefix, repoRoot, serviceEnv, TcpProxy, uniquePrefix } from '@vigil/testkit';
import { BulkWriter, createElasticsearchClient, eventIndex, setupIndices, type BulkDocument } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('bulk');
let client: Client;

function events(n: number, start = 0, overrides: Partial<BulkDocument> = {}): BulkDocument[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const timestamp = new Date(Date.UTC(2026, 10, 21 + (i % 2), 12, 0, i % 60)).toISOString();
    return {
      index: eventIndex(prefix, 'auth', timestamp),
      id: `doc-${i}`,
      original: `line ${i}`,
      dataset: 'auth',
      document: { '@timestamp': timestamp, message: `line ${i}`, source: { ip: `198.51.100.${i % 250}` } },
      ...overrides,
    };
  });
}

async function count(index: string): Promise<number> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  return (await client.count({ index, ignore_unavailable: true, allow_no_indices: true })).count;
}

async function writeAll(writer: BulkWriter, docs: BulkDocument[]): Promise<void> {
  for (const doc of docs) if (!writer.add(doc)) await writer.waitForRoom();
  await writer.flush();
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('BulkWriter against the real Elasticsearch', () => {
  it('indexes every document into its daily index and acknowledges each exactly once', async () => {
    const writer = new BulkWriter({ client, prefix, flushBytes: 64 * 1024 });
    const acked = new Map<string, number>();
    const docs = events(3000).map((d) => ({ ...d, onDone: () => acked.set(d.id, (acked.get(d.id) ?? 0) + 1) }));
    await writeAll(writer, docs);
    expect(writer.stats).toMatchObject({ indexed: 3000, duplicates: 0, deadLettered: 0, backlog: 0 });
    expect(acked.size).toBe(3000);
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(await count(`${prefix}-auth-2026.11.21`)).toBe(1500);
    expect(await count(`${prefix}-auth-2026.11.22`)).toBe(1500);
  });

  it('creates nothing new when the same documents are replayed', async () => {
    const writer = new BulkWriter({ client, prefix });
    await writeAll(writer, events(3000));
    expect(writer.stats).toMatchObject({ indexed: 0, duplicates: 3000 });
    expect(await count(`${prefix}-auth-*`)).toBe(3000);
  });

  it('sends a document Elasticsearch refuses to the dead-letter index with its original line and the reason', async () => {
    const writer = new BulkWriter({ client, prefix, now: () => new Date('2026-11-22T10:00:00Z') });
    const [good] = events(1, 5000);
    const bad: BulkDocument = { ...events(1, 5001)[0]!, original: 'Nov 22 sshd[1]: weird', document: { '@timestamp': '2026-11-22T09:00:00Z', source: { ip: 'not-an-ip' } } };
    let badDone = 0;
    await writeAll(writer, [good!, { ...bad, onDone: () => (badDone += 1) }]);
    expect(writer.stats).toMatchObject({ indexed: 1, deadLettered: 1 });
    expect(badDone).toBe(1);
    await client.indices.refresh({ index: `${prefix}-deadletter-*` });
    const letters = await client.search<{ event: { original: string }; target_index: string; error: { type: string; message: string } }>({ index: `${prefix}-deadletter-2026.11.22` });
    expect(letters.hits.hits.map((h) => h._source)).toEqual([
      expect.objectContaining({
        event: { original: 'Nov 22 sshd[1]: weird', dataset: 'auth' },
        target_index: bad.index,
        error: expect.objectContaining({ type: 'document_parsing_exception', message: expect.stringContaining('source.ip') }),
      }),
    ]);
  });

  it('holds documents through an outage, pauses its producer, and delivers everything afterwards', async () => {
    const esPort = Number(new URL(env.VIGIL_ELASTICSEARCH_URL).port);
    const proxy = await new TcpProxy(esPort).start();
    const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
    url.port = String(proxy.port);
    const viaProxy = createElasticsearchClient({ url: url.toString() }, { maxRetries: 0, requestTimeoutMs: 2_000 });
    const retries: string[] = [];
    const writer = new BulkWriter({
      client: viaProxy,
      prefix,
      flushBytes: 16 * 1024,
      concurrency: 1,
      backoffInitialMs: 50,
      backoffMaxMs: 400,
      onRetry: (reason) => retries.push(reason),
    });

    await proxy.cut();
    const docs = events(2000, 10_000);
    let added = 0;
    let pausedAt = -1;
    const producer = (async () => {
      for (const doc of docs) {
        added += 1;
        if (!writer.add(doc)) {
          if (pausedAt < 0) pausedAt = added;
          await writer.waitForRoom();
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(pausedAt).toBeGreaterThan(0);
    expect(added).toBeLessThan(docs.length); // backpressure: the producer waits instead of buffering all
    expect(retries.some((r) => /elasticsearch unavailable/.test(r))).toBe(true);

    await proxy.restore();
    await producer;
    await writer.flush();
    await proxy.cut();
    await viaProxy.close();
    expect(writer.stats).toMatchObject({ indexed: 2000, deadLettered: 0, backlog: 0 });
    expect(await count(`${prefix}-auth-*`)).toBe(3000 + 1 + 2000);
  });
});
