import { inferYear, monthNumber, zonedToEpochMs } from '../time.ts';

/** ISO UTC of a local wall-clock time in `timezone`; undefined when the date does not exist or the zone is unknown. */
export function localIso(year: number, month: number, day: number, hour: number, minute: number, second: number, timezone: string): string | undefined {
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60)) return undefined;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  try {
    return new Date(zonedToEpochMs(year, month, day, hour, minute, second, 0, timezone)).toISOString();
  } catch {
    return undefined;
  }
}

const ALERT_DATE = /^(\d{4}) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) /;

/** alerts.log's `2015 Sep 25 06:07:07 ` at the start of `line`: the ISO time and where the rest starts. */
export function alertDate(line: string, timezone: string): { iso: string; end: number } | undefined {
  const m = ALERT_DATE.exec(line);
  const month = m === null ? undefined : monthNumber(m[2] as string);
  if (m === null || month === undefined) return undefined;
  const iso = localIso(Number(m[1]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), timezone);
  return iso === undefined ? undefined : { iso, end: m[0].length };
}

const SYSLOG_DATE = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) /;

/** A syslog `Jul  8 10:58:09 ` at `text` start, year inferred from `now`: the ISO time and where the rest starts. */
export function syslogDate(text: string, timezone: string, now: Date): { iso: string; end: number } | undefined {
  const m = SYSLOG_DATE.exec(text);
  const month = m === null ? undefined : monthNumber(m[1] as string);
  if (m === null || month === undefined) return undefined;
  const day = Number(m[2]);
  const iso = localIso(inferYear(month, day, now), month, day, Number(m[3]), Number(m[4]), Number(m[5]), timezone);
  return iso === undefined ? undefined : { iso, end: m[0].length };
}
