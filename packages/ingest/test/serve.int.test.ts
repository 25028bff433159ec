import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { createElasticsearchClient, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, TcpProxy, uniquePrefix, until } from '@vigil/testkit';
import { IngestServer, parseInputConfig } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('serve');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

async function count(): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  return (await client.count({ index: `${prefix}-*,-${prefix}-watches,-${prefix}-alerts`, allow_no_indices: true, ignore_unavailable: true })).count;
}

describe('vigil ingest serve', () => {
  it('loses nothing while Elasticsearch is away for 30 s, and reports it in its metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-'));
    const log = join(dir, 'auth.log');
    writeFileSync(log, '');
    const definition = join(dir, 'ingest', 'auth.yaml');
    const input = parseInputConfig(definition, `type: file\nparser: auto\ndataset: auth\npaths:\n  - ${log}\n`);
    await setupIndices(client, prefix);

    const proxy = await new TcpProxy(Number(new URL(env.VIGIL_ELASTICSEARCH_URL).port)).start();
    const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
    url.port = String(proxy.port);
    const viaProxy = createElasticsearchClient({ url: url.toString() }, { maxRetries: 0, requestTimeoutMs: 3_000 });
    const logLines: string[] = [];
    const server = new IngestServer({
      client: viaProxy,
      prefix,
      inputs: [input],
      stateDir: join(dir, 'state'),
      clock: systemClock,
      log: (line) => logLines.push(line),
      metrics: { host: '127.0.0.1', port: 0 },
      flushIntervalMs: 200,
    });
    await server.start();

    let written = 0;
    const write = (n: number) => {
      appendFileSync(log, Array.from({ length: n }, () => `Nov 22 10:00:00 web1 sshd[42]: outage test line ${written++}\n`).join(''));
    };
    write(1000);
    await until('first lines stored', async () => (await count()) === 1000, 30_000, 250);

    await proxy.cut();
    const outageEnds = Date.now() + 30_000;
    while (Date.now() < outageEnds) {
      write(200); // the file keeps growing during the outage
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(await count()).toBe(1000);
    expect(logLines.some((l) => /elasticsearch: .*elasticsearch unavailable/.test(l))).toBe(true);
    await proxy.restore();

    await until('everything written during the outage', async () => (await count()) === written, 60_000, 250);
    const metrics = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`).then((r) => r.text());
    expect(metrics).toContain(`vigil_ingest_lines_total{input="auth"} ${written}`);
    expect(metrics).toMatch(/^vigil_ingest_backlog 0$/m);
    expect(metrics).toMatch(/^vigil_ingest_retries_total [1-9]\d*$/m);

    await server.stop();
    await proxy.cut();
    await viaProxy.close();
    expect(await count()).toBe(written);
  }, 150_000);
});
