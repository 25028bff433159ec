import type { BlockFormat } from '../types.ts';
import { MAX_LABEL_LINES, readHeader } from './alerts-log.ts';
import { alertDate } from './when.ts';

/** The first line of an alerts.log block. */
export const startsAlertBlock = (line: string): boolean => line.startsWith('** Alert ');

/**
 * An alerts.log block as the framers see it: `** Alert <sec>.<id>: [mail] - <groups>`, then the
 * `YYYY Mon DD HH:MM:SS location` line, then up to MAX_LABEL_LINES label lines and the `Rule:` line
 * (the head); the body runs to the blank line that OSSEC writes after every alert (or the next
 * `** Alert`). A `** Alert ` line without that head (a forged or cut one) is a line, not a block.
 */
export const alertsLogBlock: BlockFormat = {
  starts: startsAlertBlock,
  next(head, line) {
    if (head.length === 1) {
      // the zone only shifts the time: the date's shape and calendar validity are the same in UTC
      const date = readHeader(head[0] as string) === undefined ? undefined : alertDate(line, 'UTC');
      return date === undefined || date.end === line.length ? 'broken' : 'more';
    }
    if (line.startsWith('Rule: ')) return 'done';
    return head.length < 2 + MAX_LABEL_LINES ? 'more' : 'broken';
  },
  endsAtBlank: true,
};
