import { homedir } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { redactUrl, systemClock, VigilError, type VigilConfig } from '@vigil/core';
import { commitFinal, ingestFileOnce, OffsetStore, RecordSink } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, elasticsearchError, setupIndices } from '@vigil/store';
import type { Output } from '../output.ts';

export interface IngestFilesOptions {
  source?: string;
  dataset?: string;
  timezone?: string;
  /** Folder of the offset state; default `$XDG_STATE_HOME/vigil` (`~/.local/state/vigil`). */
  state?: string;
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'vigil');
}

/**
 * `vigil ingest --source <name> FILE...`: indexes files once and exits with a summary. Each file
 * resumes from its committed offset, so running the same command again after a crash finishes the
 * job without duplicates; a file already read to its end adds nothing.
 */
export async function ingestFilesCommand(config: VigilConfig, files: string[], options: IngestFilesOptions, out: Output): Promise<number> {
  if (options.source === undefined) throw new VigilError('CONFIG_INVALID', 'vigil ingest FILE... needs --source (syslog, tcpdump, ossec, windows or auto)');
  const parser = parserFor(options.source);
  const client = createElasticsearchClient(config.elasticsearch);
  const started = Date.now();
  try {
    await setupIndices(client, config.indexPrefix).catch((err: unknown) => {
      throw elasticsearchError(err, config.elasticsearch.url, 'installing index templates');
    });
    let lastRetryReport = 0;
    const writer = new BulkWriter({
      client,
      prefix: config.indexPrefix,
      onRetry: (reason, attempt, delay) => {
        if (Date.now() - lastRetryReport < 5_000) return;
        lastRetryReport = Date.now();
        out.error(`vigil ingest: ${reason}; retrying (attempt ${attempt}, next in ${delay} ms), input paused`);
      },
      onUnstorable: (doc, reason) => out.error(`vigil ingest: could not store even as a dead letter (${reason}): ${doc.original}`),
    });
    const sink = new RecordSink({
      parser,
      writer,
      prefix: config.indexPrefix,
      clock: systemClock,
      ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
      ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
    });
    const offsets = new OffsetStore(join(options.state ?? defaultStateDir(), 'offsets.json'));
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{file} [{bar}] {percentage}% {value}/{total} bytes', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;

    const results = [];
    for (const file of files) {
      bar?.start(1, 0, { file });
      const result = await ingestFileOnce(file, {
        sink,
        parser,
        offsets,
        now: () => systemClock.now(),
        onProgress: (read, size) => {
          bar?.setTotal(size);
          bar?.update(read, { file });
        },
      });
      bar?.stop();
      results.push(result);
    }
    await writer.close();
    for (const result of results) commitFinal(offsets, result, systemClock.now());

    const seconds = (Date.now() - started) / 1000;
    const stats = writer.stats;
    out.log(`ingested ${files.length} file(s) into ${redactUrl(config.elasticsearch.url)}, prefix "${config.indexPrefix}", source ${parser.source}`);
    for (const r of results) out.log(`  ${r.path}: ${r.records} records${r.resumedAt > 0 ? ` (resumed at byte ${r.resumedAt})` : ''}`);
    out.log(`  lines ${sink.counters.linesIn}, events ${sink.counters.eventsOut}, pipeline errors ${sink.counters.pipelineErrors}`);
    out.log(`  indexed ${stats.indexed}, already present ${stats.duplicates}, dead letters ${stats.deadLettered}, retries ${stats.retries}`);
    out.log(`  ${seconds.toFixed(1)} s, ${Math.round(sink.counters.eventsOut / Math.max(seconds, 0.001))} events/s`);
    return 0;
  } finally {
    await client.close();
  }
}
