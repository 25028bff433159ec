import type { Line, LogParser, LogRecord, RecordFramer } from '../types.ts';
import { parsers } from '../registry.ts';

/** Order of detection: the most specific shapes first, plain syslog last (it matches the most). */
const ORDER = ['ossec', 'windows', 'tcpdump', 'syslog'];

let ordered: LogParser[] | undefined;

function candidates(): LogParser[] {
  if (ordered === undefined) {
    const known = [...parsers.values()];
    ordered = [...ORDER.flatMap((s) => known.filter((p) => p.source === s)), ...known.filter((p) => !ORDER.includes(p.source))];
  }
  return ordered;
}

/**
 * Frames a mixed stream: a line that starts a multi-line record of some format opens a record that
 * runs until the next such line or a blank line (blank lines are dropped); every other line is a
 * record of its own. Multi-line formats with blank lines inside a record (wevtutil text) need their
 * own `--source`.
 */
function autoFramer(): RecordFramer {
  const multi = candidates().filter((p) => p.startsRecord !== undefined);
  let open: Line[] = [];
  const close = (): LogRecord[] => {
    if (open.length === 0) return [];
    const record = { text: open.map((l) => l.text).join('\n'), offset: (open[0] as Line).offset, end: (open[open.length - 1] as Line).end };
    open = [];
    return [record];
  };
  return {
    push(line) {
      if (multi.some((p) => p.startsRecord?.(line.text) === true)) {
        const done = close();
        open = [line];
        return done;
      }
      if (open.length > 0) {
        if (line.text.trim() !== '') {
          open.push(line);
          return [];
        }
        const done = close();
        return done;
      }
      return [{ text: line.text, offset: line.offset, end: line.end }];
    },
    flush: close,
  };
}

/** `--source auto`: each record goes to the first format whose `detect` accepts it. */
export const autoParser: LogParser = {
  source: 'auto',
  dataset: 'syslog',
  description: 'detect the format of each record (OSSEC, Windows, tcpdump, syslog)',
  framer: autoFramer,
  detect: (record) => candidates().some((p) => p.detect(record)),
  parse(record, ctx) {
    const parser = candidates().find((p) => p.detect(record));
    if (parser === undefined) return { failure: 'no parser recognised this record (tried ossec, windows, tcpdump, syslog)' };
    const fields = parser.parse(record, ctx);
    if ('failure' in fields) return fields;
    return { ...fields, event: { ...fields.event, dataset: fields.event?.dataset ?? parser.dataset } };
  },
};
