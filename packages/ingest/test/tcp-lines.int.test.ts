import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { createElasticsearchClient, setupIndices } from '@vigil/store';
import { dropPrefix, freePort, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { IngestServer, parseInputConfig } from '../src/index.ts';
import { send } from './support/streams.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('tcplines');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

async function count(): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-tcpdump-*`, allow_no_indices: true, ignore_unavailable: true });
  return (await client.count({ index: `${prefix}-tcpdump-*`, allow_no_indices: true, ignore_unavailable: true })).count;
}

describe('vigil ingest serve with a tcp_lines input', () => {
  it('stores one tcpdump event per line sent by several `tcpdump | nc` connections', async () => {
    const port = await freePort();
    const input = parseInputConfig('/ingest/tcpdump.yaml', `type: tcp_lines\nlisten: 127.0.0.1:${port}\nparser: tcpdump\ndataset: tcpdump\n`);
    await setupIndices(client, prefix);
    const server = new IngestServer({ client, prefix, inputs: [input], stateDir: mkdtempSync(join(tmpdir(), 'vigil-tcplines-')), clock: systemClock, log: () => {}, flushIntervalMs: 100 });
    await server.start();

    const connections = 4;
    const each = 2500;
    const syn = (c: number, i: number) => `2016-02-09 13:51:${String(c * 10 + (i % 10)).padStart(2, '0')}.${String(i).padStart(6, '0')} IP 203.0.113.${c + 1}.${40000 + (i % 20000)} > 192.168.1.5.22: Flags [S], seq ${i}, win 29200, length 0`;
    await Promise.all(
      Array.from({ length: connections }, (_, c) => {
        const lines = Array.from({ length: each }, (_, i) => `${syn(c, i)}\n`).join('');
        const cut = Math.floor(lines.length / 2) + 7; // one line split across two TCP writes
        return send(port, lines.slice(0, cut), lines.slice(cut));
      }),
    );
    await server.stop(); // stops the input after it delivered what it read, then flushes the writer

    expect(server.counters[0]?.counters).toMatchObject({ linesIn: connections * each, eventsOut: connections * each, pipelineErrors: 0 });
    expect(await count()).toBe(connections * each);
    const hit = await client.search<{ source: { ip: string }; destination: { port: number }; event: { dataset: string } }>({ index: `${prefix}-tcpdump-*`, size: 1, query: { term: { 'source.ip': '203.0.113.2' } } });
    expect(hit.hits.hits[0]?._source).toMatchObject({ source: { ip: '203.0.113.2' }, destination: { port: 22 }, event: { dataset: 'tcpdump' } });
  });
});
