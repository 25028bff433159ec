import type { BulkWriter } from '@vigil/store/bulk';
import { eventIndex } from '@vigil/store/indices';
import { buildEvent, type EventOptions, type RecordOrigin } from './event.ts';

/** Counters of one ingest run or server, exported as metrics and printed as the summary. */
export interface IngestCounters {
  linesIn: number;
  eventsOut: number;
  pipelineErrors: number;
}

export function newCounters(): IngestCounters {
  return { linesIn: 0, eventsOut: 0, pipelineErrors: 0 };
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
