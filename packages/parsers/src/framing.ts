import type { Line, LogRecord, RecordFramer } from './types.ts';

/** Every line is a record. */
export function lineFramer(): RecordFramer {
  return {
    push: (line) => [{ text: line.text, offset: line.offset, end: line.end }],
    flush: () => [],
  };
}

/**
 * Multi-line entries that begin with a recognisable first line: a record runs from a line where
 * `starts(line)` is true to the line before the next such start. Lines before the first start are
 * records of their own (nothing is dropped); blank lines that end an entry are dropped only when
 * `dropBlank` is set (they carry no data and belong to no entry).
 */
export function startLineFramer(starts: (text: string) => boolean, options: { dropBlank?: boolean } = {}): RecordFramer {
  let open: Line[] = [];
  const close = (): LogRecord[] => {
    if (open.length === 0) return [];
    let last = open.length - 1;
    if (options.dropBlank === true) while (last > 0 && (open[last] as Line).text.trim() === '') last -= 1;
    const lines = open.slice(0, last + 1);
    const first = lines[0] as Line;
    const record = { text: lines.map((l) => l.text).join('\n'), offset: first.offset, end: (open[open.length - 1] as Line).end };
    open = [];
    return [record];
  };
  return {
    push(line) {
      if (starts(line.text)) {
        const done = close();
        open = [line];
        return done;
      }
      if (open.length > 0) {
        open.push(line);
        return [];
      }
      if (options.dropBlank === true && line.text.trim() === '') return [];
      return [{ text: line.text, offset: line.offset, end: line.end }];
    },
    flush: close,
  };
}
