import { VigilError } from '@vigil/core/errors';
import type { LogParser } from './types.ts';
import { autoParser } from './auto/index.ts';
import { syslogParser } from './syslog/index.ts';
import { tcpdumpParser } from './tcpdump/index.ts';
import { ossecParser } from './ossec/index.ts';
import { windowsParser } from './windows/index.ts';

/** Every parser, keyed by its `source`. Adding a format: one folder under src/ and one line here. */
const PARSERS: readonly LogParser[] = [syslogParser, tcpdumpParser, ossecParser, windowsParser];

export const parsers: ReadonlyMap<string, LogParser> = new Map(PARSERS.map((p) => [p.source, p]));

/** The parser for `source` (`auto` detects per record); an unknown name is an error listing the known ones. */
export function parserFor(source: string): LogParser {
  if (source === 'auto') return autoParser;
  const parser = parsers.get(source);
  if (parser === undefined) {
    throw new VigilError('CONFIG_INVALID', `unknown source "${source}" (known: ${[...parsers.keys(), 'auto'].join(', ')})`);
  }
  return parser;
}
