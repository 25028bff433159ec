import type { ParseContext, ParseFailure } from '../types.ts';
import { readDescription, titleOf } from './description.ts';
import { auditOf, type WinEvent } from './event.ts';
import { windowsTime } from './time.ts';

/** `Event[0]:` — the first line of a `wevtutil qe /f:text` record. */
export const WEVTUTIL_START = /^Event\[\d+\]:\s*$/;

/** The value of a `  Key: value` header line (before the description). */
function headerValue(header: string, key: string): string | undefined {
  const at = header.indexOf(`\n  ${key}: `);
  if (at === -1) return undefined;
  const start = at + key.length + 5;
  const end = header.indexOf('\n', start);
  const value = header.slice(start, end === -1 ? header.length : end).trim();
  return value === '' ? undefined : value;
}

/**
 * One `wevtutil qe Security /f:text` record:
 *
 *     Event[0]:
 *       Log Name: Security
 *       Source: Microsoft-Windows-Security-Auditing
 *       Date: 2026-11-22T09:49:32.123
 *       Event ID: 4625
 *       ...
 *       Keyword: Audit Failure
 *       Computer: DC01.corp.example
 *       Description:
 *     An account failed to log on.
 *     ...
 *
 * The date has no zone: it is read in `ctx.timezone`. The description is Microsoft's rendering of the
 * event, read label by label.
 */
export function fromWevtutil(record: string, ctx: ParseContext): WinEvent | ParseFailure {
  const text = record.replace(/\r/g, '');
  const descAt = text.indexOf('\n  Description:');
  const header = descAt === -1 ? text : text.slice(0, descAt);
  const eventId = headerValue(header, 'Event ID');
  if (eventId === undefined || !/^\d{1,5}$/.test(eventId)) return { failure: 'wevtutil record without a numeric "Event ID:"' };
  const date = headerValue(header, 'Date');
  const timestamp = date === undefined ? undefined : windowsTime(date, ctx);
  if (timestamp === undefined) return { failure: `wevtutil record ${eventId} without a valid "Date:" (${date ?? 'missing'})` };
  const description = descAt === -1 ? '' : text.slice(text.indexOf(':', descAt + 3) + 1);
  const event: WinEvent = { format: 'wevtutil', timestamp, eventId, data: readDescription(description, eventId) };
  const put = (key: 'computer' | 'channel' | 'provider', value: string | undefined) => {
    if (value !== undefined) event[key] = value;
  };
  put('computer', headerValue(header, 'Computer'));
  put('channel', headerValue(header, 'Log Name'));
  put('provider', headerValue(header, 'Source'));
  const audit = auditOf(headerValue(header, 'Keyword'));
  if (audit !== undefined) event.audit = audit;
  const title = titleOf(description);
  if (title !== undefined) event.title = title;
  return event;
}
