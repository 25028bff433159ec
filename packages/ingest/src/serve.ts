import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Client } from '@elastic/elasticsearch';
import type { Clock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { BulkWriter } from '@vigil/store/bulk';
import type { LoadedInput } from './config.ts';
import { ingestRegistry, serveMetrics } from './metrics.ts';
import { OffsetStore } from './offsets.ts';
import { createInput, type Input } from './inputs/registry.ts';
import { newCounters, RecordSink, type IngestCounters } from './sink.ts';

/** Options of {@link IngestServer}. */
export interface IngestServerOptions {
  client: Client;
  prefix: string;
  inputs: LoadedInput[];
  /** Offsets (`offsets.json`) and UDP spill files (`spill/`, unless `spill_dir` says otherwise) live here. */
  stateDir: string;
  clock: Clock;
  log: (line: string) => void;
  /** Where `GET /metrics` listens; absent: no metrics endpoint. */
  metrics?: { host: string; port: number };
  /**
   * Replaces the host of every input's `listen:` address. Default: the `VIGIL_INGEST_LISTEN_HOST`
   * environment variable (docker-compose sets 0.0.0.0), else each definition's own host.
   */
  listenHost?: string;
  /** Overrides the writer's flush interval (ms), for tests. */
  flushIntervalMs?: number;
}

/** `vigil ingest serve`: every configured input into one bulk writer, with metrics, until stopped. */
export class IngestServer {
  readonly #o: IngestServerOptions;
  readonly writer: BulkWriter;
  readonly #offsets: OffsetStore;
  readonly #running: Array<{ name: string; input: Input; counters: IngestCounters }> = [];
  #metrics: Server | undefined;
  metricsPort: number | undefined;

  constructor(options: IngestServerOptions) {
    this.#o = options;
    this.#offsets = new OffsetStore(join(options.stateDir, 'offsets.json'));
    this.writer = new BulkWriter({
      client: options.client,
      prefix: options.prefix,
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      onRetry: (reason, attempt, delay) => options.log(`elasticsearch: ${reason}; retry ${attempt} in ${delay} ms, inputs paused`),
      onUnstorable: (doc, reason) => options.log(`could not store even as a dead letter (${reason}): ${doc.original}`),
    });
  }

  get counters(): Array<{ name: string; counters: IngestCounters }> {
    return this.#running.map(({ name, counters }) => ({ name, counters }));
  }

  async start(): Promise<void> {
    // offsets are kept per destination: one cluster lookup, then the prefix and each input's dataset
    const url = this.#o.client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch';
    const cluster = await OffsetStore.destinationOf(this.#o.client, { url, prefix: this.#o.prefix, dataset: '' });
    for (const { name, config } of this.#o.inputs) {
      const parser = parserFor(config.parser);
      const offsets = this.#offsets.forDestination({ ...cluster, dataset: OffsetStore.datasetKey(config.dataset, parser.source) });
      if (config.type === 'file') for (const line of await offsets.forgetMissing(this.#o.client)) this.#o.log(`input ${name}: ${line}`);
      const counters = newCounters();
      const target = new RecordSink({
        parser,
        writer: this.writer,
        prefix: this.#o.prefix,
        clock: this.#o.clock,
        counters,
        ...(config.timezone === undefined ? {} : { timezone: config.timezone }),
        ...(config.host_os === undefined ? {} : { hostOs: config.host_os }),
        ...(config.dataset === undefined ? {} : { dataset: config.dataset }),
      });
      const listenHost = this.#o.listenHost ?? (process.env.VIGIL_INGEST_LISTEN_HOST || undefined);
      const deps = { name, parser, target, offsets, clock: this.#o.clock, stateDir: this.#o.stateDir, log: this.#o.log, counters };
      const input = createInput(config, listenHost === undefined ? deps : { ...deps, listenHost });
      await input.start();
      this.#running.push({ name, input, counters });
      this.#o.log(`input ${name}: ${config.type}, parser ${config.parser}`);
    }
    if (this.#o.metrics !== undefined) {
      const registry = ingestRegistry({ inputs: () => this.counters, writer: () => this.writer.stats });
      const { server, port } = await serveMetrics(registry, this.#o.metrics.host, this.#o.metrics.port);
      this.#metrics = server;
      this.metricsPort = port;
      this.#o.log(`metrics on http://${this.#o.metrics.host}:${port}/metrics`);
    }
  }

  /** Stops the inputs, stores everything they read, and saves the offsets. */
  async stop(): Promise<void> {
    for (const { input } of this.#running) await input.stop();
    await this.writer.close();
    this.#offsets.save();
    await new Promise<void>((resolve) => (this.#metrics === undefined ? resolve() : this.#metrics.close(() => resolve())));
  }
}
