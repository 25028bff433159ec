import type { Clock, EcsEvent } from '@vigil/core';
import { toEvent, type LogParser, type ParseContext } from '@vigil/parsers';
import { eventIndex, type BulkWriter } from '@vigil/store';

/** Counters of one ingest run or server, exported as metrics and printed as the summary. */
export interface IngestCounters {
  linesIn: number;
  eventsOut: number;
  pipelineErrors: number;
}

export function newCounters(): IngestCounters {
  return { linesIn: 0, eventsOut: 0, pipelineErrors: 0 };
}

/** Fields an input adds to every event it produces (`log.file.path`, the receiving input's name). */
export interface RecordOrigin {
  filePath?: string;
  offset?: number;
}

/** How records become events: the parser and the settings it runs with. */
export interface EventOptions {
  parser: LogParser;
  clock: Clock;
  /** Zone for timestamps written without one; default UTC. */
  timezone?: string;
  /** `host.os.type` of the logged hosts (`ingest/*.yaml` `host_os:`); default {@link DEFAULT_HOST_OS}. */
  hostOs?: ParseContext['hostOs'];
  /** Overrides the parser's dataset for every event (`ingest/*.yaml` `dataset:`). */
  dataset?: string;
}

/** `host.os.type` of events whose input says nothing: syslog inputs are Linux hosts far more often than not. */
export const DEFAULT_HOST_OS = 'linux';

/** One record's event, as `vigil parse` prints it and the sink stores it. */
export function buildEvent(o: EventOptions, text: string, origin: RecordOrigin = {}): EcsEvent {
  const now = o.clock.now();
  const ctx: ParseContext = { timezone: o.timezone ?? 'UTC', now, hostOs: o.hostOs ?? DEFAULT_HOST_OS };
  const event = toEvent(o.parser, text, ctx, now);
  if (o.dataset !== undefined) event.event.dataset = o.dataset;
  if (origin.filePath !== undefined) event.log = { ...event.log, file: { path: origin.filePath }, ...(origin.offset === undefined ? {} : { offset: origin.offset }) };
  return event;
}

/** Settings of a {@link RecordSink}. */
export interface RecordSinkOptions extends EventOptions {
  writer: BulkWriter;
  prefix: string;
  counters?: IngestCounters;
}

/**
 * Input → parser → event → store: turns one record into one event (or a pipeline_error event) and
 * hands it to the bulk writer with its id. Resolves when the writer has room again, so an input
 * that awaits it pauses while Elasticsearch is slow or away.
 */
export class RecordSink {
  readonly #o: RecordSinkOptions;
  readonly counters: IngestCounters;

  constructor(options: RecordSinkOptions) {
    this.#o = options;
    this.counters = options.counters ?? newCounters();
  }

  async write(text: string, id: string, origin: RecordOrigin, onDone?: () => void): Promise<void> {
    const event = buildEvent(this.#o, text, origin);
    this.counters.eventsOut += 1;
    if (event.event.kind === 'pipeline_error') this.counters.pipelineErrors += 1;
    const accepted = this.#o.writer.add({
      index: eventIndex(this.#o.prefix, event.event.dataset, event['@timestamp']),
      id,
      document: event,
      original: event.event.original,
      dataset: event.event.dataset,
      ...(onDone === undefined ? {} : { onDone }),
    });
    if (!accepted) await this.#o.writer.waitForRoom();
  }
}
