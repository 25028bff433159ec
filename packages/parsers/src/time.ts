/**
 * Timestamps written without a zone (RFC 3164 syslog, `tcpdump -tttt`, wevtutil text) are local time
 * in a configured IANA zone. These helpers turn them into UTC ISO strings, with a fast path for UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Offset of `timezone` from UTC at the UTC instant `utcMs`, in milliseconds. */
function offsetAt(timezone: string, utcMs: number): number {
  const parts = formatter(timezone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** True when `timezone` is a zone this runtime knows (`UTC`, `Europe/Paris`). */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Milliseconds since the epoch of a wall-clock time in `timezone`. In a DST gap the time is read with
 * the offset before the change; in an overlap, the first of the two instants.
 */
export function zonedToEpochMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, timezone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return wall;
  const first = wall - offsetAt(timezone, wall);
  const second_ = wall - offsetAt(timezone, first);
  return Math.min(first, second_);
}

/** ISO 8601 UTC with a fraction of up to 6 digits (microseconds kept, as tcpdump prints them). */
export function isoWithFraction(epochMs: number, fraction: string): string {
  const base = new Date(epochMs).toISOString(); // ...ss.mmmZ
  if (fraction.length <= 3) return base;
  return `${base.slice(0, 19)}.${fraction.slice(0, 6).padEnd(6, '0')}Z`;
}

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/** Month number of an English three-letter abbreviation (`Nov` → 11), or undefined. */
export function monthNumber(abbrev: string): number | undefined {
  return MONTHS[abbrev];
}

/**
 * The year of a yearless timestamp (RFC 3164 `Nov 22 09:49:32`): the current year, unless that would
 * put the event more than a day in the future (a December line read in January), then the year before.
 */
export function inferYear(month: number, day: number, now: Date): number {
  const year = now.getUTCFullYear();
  const candidate = Date.UTC(year, month - 1, day);
  return candidate - now.getTime() > 24 * 3600 * 1000 ? year - 1 : year;
}
