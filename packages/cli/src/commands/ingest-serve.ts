import { resolve } from 'node:path';
import type { VigilConfig } from '@vigil/core';
import { systemClock } from '@vigil/core/clock';
import { VigilError } from '@vigil/core/errors';
import { redactUrl } from '@vigil/core/redact';
import { IngestServer, loadInputConfigs } from '@vigil/ingest';
import { createElasticsearchClient, elasticsearchError } from '@vigil/store/client';
import { ensureIndicesSetUp } from '@vigil/store/setup';
import type { Output } from '../output.ts';
import { defaultStateDir } from './state-dir.ts';

export interface IngestServeOptions {
  dir: string;
  state?: string;
  /** `host:port` of the metrics endpoint, or `off`. */
  metrics: string;
}

function metricsAddress(value: string): { host: string; port: number } | undefined {
  if (value === 'off') return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (m === null) throw new VigilError('CONFIG_INVALID', `--metrics must be host:port or off, got "${value}"`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** `vigil ingest serve`: runs the inputs of `ingest/*.yaml` until SIGINT or SIGTERM, then drains. */
export async function ingestServeCommand(config: VigilConfig, options: IngestServeOptions, out: Output): Promise<number> {
  const inputs = loadInputConfigs(resolve(options.dir));
  if (inputs.length === 0) throw new VigilError('CONFIG_INVALID', `no input definitions (*.yaml) in ${resolve(options.dir)}`);
  const client = createElasticsearchClient(config.elasticsearch);
  await ensureIndicesSetUp(client, config.indexPrefix).catch((err: unknown) => {
    throw elasticsearchError(err, config.elasticsearch.url, 'installing index templates');
  });
  const metrics = metricsAddress(options.metrics);
  const server = new IngestServer({
    client,
    prefix: config.indexPrefix,
    inputs,
    stateDir: options.state ?? defaultStateDir(),
    clock: systemClock,
    log: (line) => out.error(`${new Date().toISOString()} ${line}`),
    ...(metrics === undefined ? {} : { metrics }),
  });
  await server.start();
  out.error(`vigil ingest serve: ${inputs.length} input(s) into ${redactUrl(config.elasticsearch.url)}, prefix "${config.indexPrefix}"`);
  await new Promise<void>((resolveStop) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolveStop());
  });
  out.error('vigil ingest serve: stopping, storing what was read');
  await server.stop();
  await client.close();
  return 0;
}
