import type { EcsEvent } from '@vigil/core';
import { isFailure, type LogParser, type ParseContext } from './types.ts';

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

/**
 * Turns one record into exactly one event: the parser's fields plus `event.original`,
 * `event.dataset`, `event.ingested`; or, when the parser fails or throws, a `pipeline_error` event
 * that keeps the original text and the reason. Nothing is dropped.
 */
export function toEvent(parser: LogParser, record: string, ctx: ParseContext, ingested: Date = ctx.now): EcsEvent {
  const { text, truncated } = truncate(record);
  const ingestedIso = ingested.toISOString();
  let failure: string;
  try {
    const result = parser.parse(text, ctx);
    if (!isFailure(result)) {
      const event: EcsEvent = {
        ...result,
        event: { kind: 'event', ...result.event, dataset: result.event?.dataset ?? parser.dataset, original: text, ingested: ingestedIso },
      };
      if (truncated) event.tags = [...(event.tags ?? []), 'truncated'];
      return event;
    }
    failure = result.failure;
  } catch (err) {
    failure = `parser ${parser.source} threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    '@timestamp': ingestedIso,
    event: { kind: 'pipeline_error', dataset: parser.dataset, original: text, ingested: ingestedIso },
    error: { message: failure, type: `${parser.source}_parse_failure` },
    tags: truncated ? ['_parse_failure', 'truncated'] : ['_parse_failure'],
  };
}
