import type { Line, LogParser, LogRecord } from '../src/index.ts';

/** Splits text into lines with byte offsets, as an input reads them. */
export function linesOf(text: string): Line[] {
  let offset = 0;
  return text.replace(/\n$/, '').split('\n').map((t) => {
    const line = { text: t, offset, end: offset + Buffer.byteLength(t) + 1 };
    offset = line.end;
    return line;
  });
}

/** The records a parser's framer makes of a text (it must have one: the multi-line formats do). */
export function recordsOf(parser: LogParser, text: string): LogRecord[] {
  const framer = parser.framer?.();
  if (framer === undefined) throw new Error(`${parser.source} must frame multi-line records`);
  return [...linesOf(text).flatMap((l) => framer.push(l)), ...framer.flush()];
}
