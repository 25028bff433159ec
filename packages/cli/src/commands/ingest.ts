import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { redactUrl, systemClock, VigilError, type VigilConfig } from '@vigil/core';
import { commitFinal, ingestFileOnce, OffsetStore, RecordSink } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import type { Client } from '@elastic/elasticsearch';
import { BulkWriter, createElasticsearchClient, elasticsearchError, ensureIndicesSetUp, type BulkDocument, type BulkWriterOptions } from '@vigil/store';
import { assertReadableFile, type Output } from '../output.ts';
import { defaultStateDir } from './state-dir.ts';

export interface IngestFilesOptions {
  source?: string;
  dataset?: string;
  timezone?: string;
  /** Folder of the offset state; default `$XDG_STATE_HOME/vigil` (`~/.local/state/vigil`). */
  state?: string;
}

/** A bulk writer that remembers the indices it wrote to, so that exactly those are refreshed. */
class IndexTrackingWriter extends BulkWriter {
  readonly indices = new Set<string>();

  constructor(options: BulkWriterOptions) {
    super(options);
  }

  override add(doc: BulkDocument): boolean {
    this.indices.add(doc.index);
    return super.add(doc);
  }
}

/** Index names per refresh request: months of daily indices would pass the URL limit in one. */
const REFRESH_URL_BUDGET = 3_000;

/**
 * Makes what was written searchable now rather than at the next refresh interval, so that the
 * summary is true for the next command (a `vigil watch run` right after finds every event).
 */
async function refreshWritten(client: Client, indices: string[], url: string): Promise<void> {
  const groups: string[][] = [];
  let length = 0;
  for (const index of [...indices].sort()) {
    const last = groups.at(-1);
    if (last === undefined || length + index.length + 1 > REFRESH_URL_BUDGET) {
      groups.push([index]);
      length = index.length;
    } else {
      last.push(index);
      length += index.length + 1;
    }
  }
  for (const group of groups) {
    await client.indices.refresh({ index: group.join(','), ignore_unavailable: true, allow_no_indices: true }).catch((err: unknown) => {
      throw elasticsearchError(err, url, 'refreshing the indices written (everything is stored; it becomes searchable within the refresh interval)');
    });
  }
}

/**
 * `vigil ingest --source <name> FILE...`: indexes files once and exits with a summary. Each file
 * resumes from its committed offset for this destination (cluster, prefix, dataset), so running the
 * same command again after a crash finishes the job without duplicates, a file already read to its
 * end adds nothing, and the same file sent to another prefix or cluster is read from its start.
 * The indices written are refreshed before the summary: what it counts is searchable.
 */
export async function ingestFilesCommand(config: VigilConfig, files: string[], options: IngestFilesOptions, out: Output): Promise<number> {
  if (options.source === undefined) throw new VigilError('CONFIG_INVALID', 'vigil ingest FILE... needs --source (syslog, tcpdump, ossec, windows or auto)');
  const parser = parserFor(options.source);
  for (const file of files) await assertReadableFile(file);
  const client = createElasticsearchClient(config.elasticsearch);
  const started = Date.now();
  try {
    await ensureIndicesSetUp(client, config.indexPrefix).catch((err: unknown) => {
      throw elasticsearchError(err, config.elasticsearch.url, 'installing index templates');
    });
    let lastRetryReport = 0;
    const writer = new IndexTrackingWriter({
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
    const destination = await OffsetStore.destinationOf(client, { url: config.elasticsearch.url, prefix: config.indexPrefix, dataset: OffsetStore.datasetKey(options.dataset, parser.source) });
    const offsets = new OffsetStore(join(options.state ?? defaultStateDir(), 'offsets.json'), destination);
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{file} [{bar}] {percentage}% {value}/{total} bytes', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;

    const results = [];
    for (const file of files) {
      bar?.start(1, 0, { file });
      const result = await ingestFileOnce(file, {
        sink,
        parser,
        offsets,
        client,
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
    const written = [...writer.indices];
    if (writer.stats.deadLettered > 0) written.push(`${config.indexPrefix}-deadletter-*`);
    // a refresh refused (a role without it) is reported after the summary: the data is stored all the same
    const refreshFailure = await refreshWritten(client, written, config.elasticsearch.url).then(
      () => undefined,
      (err: unknown) => err,
    );

    const seconds = (Date.now() - started) / 1000;
    const stats = writer.stats;
    out.log(`ingested ${files.length} file(s) into ${redactUrl(config.elasticsearch.url)}, prefix "${config.indexPrefix}", source ${parser.source}`);
    for (const r of results) {
      out.log(`  ${r.path}: ${r.records} records${r.resumedAt > 0 ? ` (resumed at byte ${r.resumedAt})` : ''}`);
      if (r.resume.reason !== 'new' || r.resume.elsewhere > 0) out.log(`    ${r.resume.message}`);
    }
    out.log(`  lines ${sink.counters.linesIn}, events ${sink.counters.eventsOut}, pipeline errors ${sink.counters.pipelineErrors}`);
    out.log(`  indexed ${stats.indexed}, already present ${stats.duplicates}, dead letters ${stats.deadLettered}, retries ${stats.retries}${written.length === 0 ? '' : refreshFailure === undefined ? `; searchable now (${written.length} index(es) refreshed)` : '; NOT refreshed'}`);
    out.log(`  ${seconds.toFixed(1)} s, ${Math.round(sink.counters.eventsOut / Math.max(seconds, 0.001))} events/s`);
    if (refreshFailure !== undefined) throw refreshFailure;
    return 0;
  } finally {
    await client.close();
  }
}
