import { blockFramer } from '../framing.ts';
import type { LogParser, RecordBounds, RecordFramer } from '../types.ts';
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
 * Frames a mixed stream: a line that starts a block of some multi-line format (with that format's
 * head after it) opens a record that runs until the next such line, a blank line (dropped) or a
 * record bound; every other line is a record of its own — so a forged `** Alert ` or `Event[0]:` line
 * without its format's head is one record and the lines after it stay theirs. Multi-line formats with blank lines inside
 * a record (wevtutil text) need their own `--source`.
 */
function autoFramer(bounds?: Partial<RecordBounds>): RecordFramer {
  return blockFramer(candidates().flatMap((p) => p.block ?? []), { blankEndsBlock: true, bounds });
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
