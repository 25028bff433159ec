import type { EcsEvent } from '@vigil/core';
import { ECS_VERSION, isFailure, type LogParser, type ParseContext, type ParsedFields } from './types.ts';

/** Records longer than this are cut here, parsed as far as they go, and tagged `truncated`. */
export const MAX_RECORD_BYTES = 64 * 1024;

function truncate(text: string): { text: string; truncated: boolean } {
  if (text.length <= MAX_RECORD_BYTES / 4) return { text, truncated: false }; // fast path: surely short enough
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_RECORD_BYTES) return { text, truncated: false };
  // cut on a character boundary: drop a trailing partial UTF-8 sequence
  let cut = MAX_RECORD_BYTES;
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut -= 1;
  return { text: bytes.subarray(0, cut).toString('utf8'), truncated: true };
}

/** The last `event.ingested` written: records read in the same millisecond share the text. */
let ingestedMs = Number.NaN;
let ingestedText = '';

function ingestedIso(ingested: Date): string {
  const ms = ingested.getTime();
  if (ms !== ingestedMs) {
    ingestedText = ingested.toISOString();
    ingestedMs = ms;
  }
  return ingestedText;
}

/**
 * Turns one record into exactly one event: the parser's fields plus `event.original`,
 * `event.dataset`, `event.ingested` and the common ECS layer (see {@link addCommonEcs}); or, when the parser fails or throws, a `pipeline_error` event
 * that keeps the original text and the reason. Nothing is dropped.
 *
 * The parser's result becomes the event: completed in place (a parser returns fresh objects, see
 * {@link LogParser.parse}), not copied, since the copy was a good part of this step's cost. `event`
 * keeps its place among the keys when the parser set it and comes last otherwise, as a spread would.
 */
export function toEvent(parser: LogParser, record: string, ctx: ParseContext, ingested: Date = ctx.now): EcsEvent {
  const { text, truncated } = truncate(record);
  const ingestedAt = ingestedIso(ingested);
  let failure: string;
  try {
    const result = parser.parse(text, ctx);
    if (!isFailure(result)) {
      const event = result as EcsEvent;
      event.event = { kind: 'event', ...result.event, dataset: result.event?.dataset ?? parser.dataset, original: text, ingested: ingestedAt };
      addCommonEcs(event, ctx);
      if (truncated) event.tags = [...(event.tags ?? []), 'truncated'];
      return event;
    }
    failure = result.failure;
  } catch (err) {
    failure = `parser ${parser.source} threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    '@timestamp': ingestedAt,
    event: { kind: 'pipeline_error', dataset: parser.dataset, original: text, ingested: ingestedAt },
    error: { message: failure, type: `${parser.source}_parse_failure` },
    tags: truncated ? ['_parse_failure', 'truncated'] : ['_parse_failure'],
  };
}

/**
 * The fields Elastic's rules and Kibana's Hosts page read on every event, filled where the parser
 * left them out (a parser's own value always wins):
 *
 * - `ecs.version`;
 * - `host.name` from `host.hostname`, and `host.id` from `host.name` (ECS allows a name when nothing
 *   more unique is known; EQL sequences group `by host.id`);
 * - `related.hosts` gains `host.name` / `host.hostname` (no duplicates);
 * - `host.os.type` from `ctx.hostOs`, on events that describe a host: those with a `host` or a
 *   `process` (a program on some host logged them). Network captures have neither and are left.
 */
function addCommonEcs(event: EcsEvent, ctx: ParseContext): void {
  event.ecs ??= { version: ECS_VERSION };
  let host = event.host;
  if (host !== undefined) {
    if (host.name === undefined && host.hostname !== undefined) host.name = host.hostname;
    if (host.id === undefined && host.name !== undefined) host.id = host.name;
    if (host.name !== undefined) addRelatedHost(event, host.name);
    if (host.hostname !== undefined && host.hostname !== host.name) addRelatedHost(event, host.hostname);
  }
  if (ctx.hostOs === undefined || host?.os?.type !== undefined) return;
  if (host === undefined) {
    if (event.process === undefined) return;
    host = event.host = {};
  }
  host.os = host.os === undefined ? { type: ctx.hostOs } : { ...host.os, type: ctx.hostOs };
}

function addRelatedHost(event: EcsEvent, name: string): void {
  const related: NonNullable<ParsedFields['related']> = (event.related ??= {});
  if (related.hosts === undefined) related.hosts = [name];
  else if (!related.hosts.includes(name)) related.hosts = [...related.hosts, name];
}
