import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { BulkStats } from '@vigil/store';
import type { IngestCounters } from './sink.ts';

/** What the metrics read at scrape time: each input's counters and the writer's. */
export interface MetricSources {
  inputs: () => Array<{ name: string; counters: IngestCounters }>;
  writer: () => Readonly<BulkStats>;
}

/**
 * Prometheus metrics of `vigil ingest serve`: lines in, events out, pipeline errors (per input),
 * documents indexed, duplicates, dead letters, retries, backlog and the last bulk latency. Values are
 * read from the live counters when scraped, so the hot path only increments plain numbers.
 */
export function ingestRegistry(sources: MetricSources): Registry {
  const registry = new Registry();
  const perInput = (name: string, help: string, pick: (c: IngestCounters) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['input'],
      registers: [registry],
      collect() {
        this.reset();
        for (const input of sources.inputs()) this.inc({ input: input.name }, pick(input.counters));
      },
    });
  perInput('vigil_ingest_lines_total', 'Lines read by the input', (c) => c.linesIn);
  perInput('vigil_ingest_events_total', 'Events produced (one per record)', (c) => c.eventsOut);
  perInput('vigil_ingest_pipeline_errors_total', 'Records no parser understood (stored as pipeline_error events)', (c) => c.pipelineErrors);

  const fromWriter = (name: string, help: string, pick: (s: Readonly<BulkStats>) => number, type: 'counter' | 'gauge') => {
    const config = { name, help, registers: [registry] };
    if (type === 'gauge') new Gauge({ ...config, collect() { this.set(pick(sources.writer())); } });
    else new Counter({ ...config, collect() { this.reset(); this.inc(pick(sources.writer())); } });
  };
  fromWriter('vigil_ingest_indexed_total', 'Documents Elasticsearch created', (s) => s.indexed, 'counter');
  fromWriter('vigil_ingest_duplicates_total', 'Documents found already indexed (replays)', (s) => s.duplicates, 'counter');
  fromWriter('vigil_ingest_dead_letters_total', 'Documents Elasticsearch refused, stored in the dead-letter index', (s) => s.deadLettered, 'counter');
  fromWriter('vigil_ingest_retries_total', 'Bulk requests sent again after a failure', (s) => s.retries, 'counter');
  fromWriter('vigil_ingest_backlog', 'Documents accepted and not yet stored', (s) => s.backlog, 'gauge');
  fromWriter('vigil_elasticsearch_bulk_latency_ms', 'Latency of the last successful bulk request', (s) => s.lastLatencyMs, 'gauge');
  return registry;
}

/** Serves `GET /metrics` on host:port (port 0 picks one); resolves with the server and its port. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end('see /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
