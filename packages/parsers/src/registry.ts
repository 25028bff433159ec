import { VigilError } from '@vigil/core';
import type { LogParser } from './types.ts';

/** Every parser, keyed by its `source`. Adding a format: one folder under src/ and one line here. */
const PARSERS: readonly LogParser[] = [];

export const parsers: ReadonlyMap<string, LogParser> = new Map(PARSERS.map((p) => [p.source, p]));

/** The parser for `source`; an unknown name is an error listing the known ones. */
export function parserFor(source: string): LogParser {
  const parser = parsers.get(source);
  if (parser === undefined) {
    throw new VigilError('CONFIG_INVALID', `unknown source "${source}" (known: ${[...parsers.keys(), 'auto'].join(', ')})`);
  }
  return parser;
}
