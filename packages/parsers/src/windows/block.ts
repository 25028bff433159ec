import type { BlockFormat } from '../types.ts';
import { WEVTUTIL_START } from './wevtutil.ts';

/** The first line of a `wevtutil qe /f:text` record: `Event[N]:`. */
export const startsWevtutilRecord = (line: string): boolean => line.startsWith('Event[') && WEVTUTIL_START.test(line);

/** An indented `  Key: value` header line (`  Log Name: Security`), whatever the display language names the key. */
const HEADER_LINE = /^[ \t]+[^\s:][^:]*:(?:\s|$)/;

/**
 * A `wevtutil qe /f:text` record as the framers see it: `Event[N]:` then its indented header lines
 * (`  Log Name: Security`, ...); the record runs to the next `Event[N]:` (its description holds blank
 * lines, so a blank line does not end it). An `Event[N]:` line not followed by a header line is a
 * line, not a record.
 */
export const wevtutilBlock: BlockFormat = {
  starts: startsWevtutilRecord,
  next: (_head, line) => (HEADER_LINE.test(line) ? 'done' : 'broken'),
  endsAtBlank: false,
};
