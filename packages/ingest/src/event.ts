// The record → event step on its own: `vigil parse` needs it without the store (and the
// Elasticsearch client it loads), so it lives apart from the sink.
import type { Clock, EcsEvent } from '@vigil/core';
import { toEvent, type LogParser, type ParseContext } from '@vigil/parsers';

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
