/**
 * Syslog timestamps, scanned by hand. Converting a wall-clock second to UTC (year inference, zone
 * offset, ISO text) is the expensive part, and consecutive lines share the second: RFC 3164 keeps the
 * recent conversions in a small table, RFC 3339 the last one, reused while the zone and `ctx.now`
 * stay the same.
 */
import type { ParseContext } from '../types.ts';
import { inferYear, zonedToEpochMs } from '../time.ts';

/** Result of a scan; `end` is the index just past the timestamp. */
export interface Timestamp {
  /** `@timestamp`: ISO 8601 UTC, milliseconds, or microseconds when the source gave more than 3 digits. */
  iso: string;
  end: number;
}

/** Why a timestamp-shaped prefix was rejected (a failure reason), when it was. */
export type TimestampResult = Timestamp | { failure: string } | undefined;

const DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return isLeap(year);
  return day <= (DAYS[month] as number);
}

function validTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 60; // 60: a leap second, as RFC 3339 allows
}

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Month number of the three letters at `i` (`Nov` → 11), or 0. */
export function monthAt(s: string, i: number): number {
  switch (s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1) * 256 + s.charCodeAt(i + 2)) {
    case 0x4a616e: return 1; // Jan
    case 0x466562: return 2; // Feb
    case 0x4d6172: return 3; // Mar
    case 0x417072: return 4; // Apr
    case 0x4d6179: return 5; // May
    case 0x4a756e: return 6; // Jun
    case 0x4a756c: return 7; // Jul
    case 0x417567: return 8; // Aug
    case 0x536570: return 9; // Sep
    case 0x4f6374: return 10; // Oct
    case 0x4e6f76: return 11; // Nov
    case 0x446563: return 12; // Dec
    default: return 0;
  }
}

/** Index past the fraction digits starting at `i` (after a `.` or `,`); only the first 6 are kept. */
function fractionEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j;
}

/** `.mmm` or `.uuuuuu` (as {@link isoWithFraction} from time.ts writes them) from fraction digits. */
function fractionText(s: string, start: number, end: number): string {
  const digits = end - start;
  if (digits === 0) return '.000';
  if (digits <= 3) return `.${s.slice(start, end).padEnd(3, '0')}`;
  return `.${s.slice(start, Math.min(end, start + 6)).padEnd(6, '0')}`;
}

const P2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** `YYYY-MM-DDTHH:MM:SS` from calendar fields (already UTC). */
function fieldsIso(y: number, mo: number, d: number, h: number, mi: number, sec: number): string {
  return `${y}-${P2[mo]}-${P2[d]}T${P2[h]}:${P2[mi]}:${P2[sec]}`;
}

/**
 * `YYYY-MM-DDTHH:MM:SS` of a UTC instant, by arithmetic (days → civil date, H. Hinnant's algorithm):
 * `Date#toISOString` costs several times more and runs on every new second.
 */
function utcText(epochMs: number): string | undefined {
  if (!Number.isFinite(epochMs) || epochMs < -62135596800000 || epochMs > 253402300799000) return undefined; // years 1..9999
  let z = Math.floor(epochMs / 86_400_000);
  const secs = Math.floor((epochMs - z * 86_400_000) / 1000);
  z += 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return fieldsIso(y, mo, d, Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60);
}

function isUtc(timezone: string): boolean {
  return timezone === 'UTC' || timezone === 'Etc/UTC';
}

/** `ctx.now` as ISO, cached: lines without a timestamp use it, and `toISOString` is not cheap. */
const nowCache = { ms: Number.NaN, iso: '' };

export function nowIso(ctx: ParseContext): string {
  const ms = ctx.now.getTime();
  if (ms !== nowCache.ms) {
    nowCache.ms = ms;
    nowCache.iso = ctx.now.toISOString();
  }
  return nowCache.iso;
}

// ---- RFC 3164: `Nov 22 09:49:32`, `Nov  2 09:49:32`, `Nov 2 09:49:32`, optional `.fraction` -------

/**
 * Recently converted seconds, direct-mapped by the second's key (consecutive seconds take consecutive
 * slots). One entry would do for a single chronological file; a relay merging several hosts, or a log
 * whose lines arrive slightly out of order, alternates between a few seconds, and a miss costs zone
 * conversion and two strings. The key holds the inferred year, so the table stays valid while
 * `ctx.now` moves (the ingest loop passes a new `now` for every record); a change of `ctx.timezone`
 * empties it.
 */
const BSD_SLOTS = 256;
/** The slot's month, day and time of day as one number (see {@link bsdSlot}); -1: empty. */
const bsdKeys = new Int32Array(BSD_SLOTS).fill(-1);
/** The slot's year (the key leaves it out to stay a small integer). */
const bsdYears = new Int32Array(BSD_SLOTS);
/** `YYYY-MM-DDTHH:MM:SS` (UTC) of the slot's second. */
const bsdBases: string[] = new Array<string>(BSD_SLOTS).fill('');
/** The slot's `@timestamp` without a fraction: its base and `.000Z`. */
const bsdWholes: string[] = new Array<string>(BSD_SLOTS).fill('');
let bsdZone = '';

/** Index of the converted second's slot, or -1 when there is no such date (or the zone is unknown). */
function bsdSlot(month: number, day: number, h: number, mi: number, sec: number, ctx: ParseContext): number {
  if (ctx.timezone !== bsdZone) {
    bsdKeys.fill(-1);
    bsdZone = ctx.timezone;
  }
  let year = yearOf(month, day, ctx.now);
  if (month === 2 && day === 29) while (!isLeap(year)) year -= 1; // the last Feb 29 before now
  const key = ((((month * 32 + day) * 24 + h) * 60 + mi) * 61) + sec;
  const slot = key & (BSD_SLOTS - 1);
  if (bsdKeys[slot] === key && bsdYears[slot] === year) return slot;
  if (!validDate(year, month, day)) return -1;
  const base = sec < 60 && isUtc(ctx.timezone) ? fieldsIso(year, month, day, h, mi, sec) : convert(year, month, day, h, mi, sec, Number.NaN, ctx.timezone);
  if (base === undefined) return -1;
  bsdKeys[slot] = key;
  bsdYears[slot] = year;
  bsdBases[slot] = base;
  bsdWholes[slot] = `${base}.000Z`;
  return slot;
}

/**
 * An RFC 3164 timestamp at `i`: undefined when the text does not start like one, a failure when it
 * does but is impossible (`Feb 30`, `25:00:00`), else the ISO time. The year is inferred from
 * `ctx.now` (never in the future), the zone is `ctx.timezone`.
 */
export function readBsdTimestamp(s: string, i: number, ctx: ParseContext): TimestampResult {
  const month = monthAt(s, i);
  if (month === 0 || s.charCodeAt(i + 3) !== 32) return undefined;
  let p = i + 4;
  if (s.charCodeAt(p) === 32) p += 1; // `Nov  2`
  let day: number;
  if (isDigit(s.charCodeAt(p)) && isDigit(s.charCodeAt(p + 1))) {
    day = two(s, p);
    p += 2;
  } else if (isDigit(s.charCodeAt(p))) {
    day = s.charCodeAt(p) - 48;
    p += 1;
  } else return undefined;
  if (s.charCodeAt(p) !== 32 || s.charCodeAt(p + 3) !== 58 || s.charCodeAt(p + 6) !== 58) return undefined;
  const h = two(s, p + 1);
  const mi = two(s, p + 4);
  const sec = two(s, p + 7);
  if (h < 0 || mi < 0 || sec < 0) return undefined;
  if (!validTime(h, mi, sec) || day < 1 || day > 31) return { failure: `invalid RFC 3164 timestamp "${s.slice(i, p + 9)}"` };
  p += 9;
  let fracStart = p;
  let fracEnd = p;
  if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
    fracStart = p + 1;
    fracEnd = fractionEnd(s, fracStart);
    p = fracEnd;
  }
  const slot = bsdSlot(month, day, h, mi, sec, ctx);
  if (slot === -1) return { failure: `invalid RFC 3164 timestamp "${s.slice(i, p)}" (no such date, or unknown timezone ${ctx.timezone})` };
  // whole seconds (the common case) reuse the text the table already holds
  return { iso: fracStart === fracEnd ? (bsdWholes[slot] as string) : `${bsdBases[slot] as string}${fractionText(s, fracStart, fracEnd)}Z`, end: p };
}

/**
 * {@link inferYear} per month/day (index `month * 32 + day`), with the span of `now` (epoch ms,
 * `[from, to)`) over which the answer holds; an empty span (the initial 0, 0) always asks again.
 */
const inferredYears = new Int32Array(13 * 32);
const yearFrom = new Float64Array(13 * 32);
const yearTo = new Float64Array(13 * 32);

/**
 * {@link inferYear}, remembered per month/day while `now` stays where the answer holds: inside one
 * UTC year, on one side of the moment the date stops being more than a day ahead. A log spans few
 * days, so after its first line of a day this is two comparisons.
 */
function yearOf(month: number, day: number, now: Date): number {
  const monthDay = month * 32 + day;
  const nowMs = now.getTime();
  if (nowMs >= (yearFrom[monthDay] as number) && nowMs < (yearTo[monthDay] as number)) return inferredYears[monthDay] as number;
  const year = inferYear(month, day, now);
  const nowYear = now.getUTCFullYear();
  if (!(nowYear >= 100 && nowYear <= 9999)) return year; // Date.UTC reads years 0..99 as 19xx: no span worked out
  // inferYear: `year - 1` while now < turn, else `year`
  const turn = Date.UTC(nowYear, month - 1, day) - 86_400_000;
  const yearStart = Date.UTC(nowYear, 0, 1);
  const nextYearStart = Date.UTC(nowYear + 1, 0, 1);
  inferredYears[monthDay] = year;
  yearFrom[monthDay] = nowMs < turn ? yearStart : Math.max(turn, yearStart);
  yearTo[monthDay] = nowMs < turn ? Math.min(turn, nextYearStart) : nextYearStart;
  return year;
}

/** UTC `YYYY-MM-DDTHH:MM:SS` of a wall-clock second: at a fixed offset (minutes), or in `timezone` when the offset is NaN. */
function convert(year: number, month: number, day: number, h: number, mi: number, sec: number, offsetMin: number, timezone: string): string | undefined {
  try {
    const epochMs = Number.isNaN(offsetMin)
      ? zonedToEpochMs(year, month, day, h, mi, sec, 0, timezone)
      : Date.UTC(year, month - 1, day, h, mi, sec) - offsetMin * 60_000;
    return utcText(epochMs);
  } catch {
    return undefined; // an unknown timezone makes Intl throw
  }
}

// ---- RFC 3339 / ISO 8601: `2026-11-22T09:49:32.123456+00:00`, `2020-03-23 06:47:42.801612-0700` --

const isoCache = { y: -1, mo: -1, d: -1, h: -1, mi: -1, s: -1, off: Number.NaN, tz: '', base: '' };

/** True when `s` has `YYYY-` at `i` (cheap pre-check for {@link readIsoTimestamp}). */
export function looksIso(s: string, i: number): boolean {
  return isDigit(s.charCodeAt(i)) && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 2)) && isDigit(s.charCodeAt(i + 3)) && s.charCodeAt(i + 4) === 45;
}

/**
 * An RFC 3339 timestamp at `i` (`T` or a space between date and time, fraction optional, zone `Z`,
 * `±HH:MM`, `±HHMM`, `±HH` or none, then `ctx.timezone`): undefined when the text does not start like
 * one, a failure when it does but is impossible, else the ISO time.
 */
export function readIsoTimestamp(s: string, i: number, ctx: ParseContext): TimestampResult {
  if (!looksIso(s, i)) return undefined;
  const y = two(s, i) * 100 + two(s, i + 2);
  const mo = two(s, i + 5);
  const d = two(s, i + 8);
  const sep = s.charCodeAt(i + 10);
  if (s.charCodeAt(i + 7) !== 45 || (sep !== 84 && sep !== 32 && sep !== 116) || s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return undefined;
  const h = two(s, i + 11);
  const mi = two(s, i + 14);
  const sec = two(s, i + 17);
  if (mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  let p = i + 19;
  let fracStart = p;
  let fracEnd = p;
  if ((s.charCodeAt(p) === 46 || s.charCodeAt(p) === 44) && isDigit(s.charCodeAt(p + 1))) {
    fracStart = p + 1;
    fracEnd = fractionEnd(s, fracStart);
    p = fracEnd;
  }
  const zone = readZone(s, p);
  if (zone === undefined) return { failure: `invalid RFC 3339 zone in "${s.slice(i, p + 6)}"` };
  p = zone.end;
  if (y < 1000 || !validDate(y, mo, d) || !validTime(h, mi, sec)) return { failure: `invalid RFC 3339 timestamp "${s.slice(i, p)}"` };
  const base = isoBase(y, mo, d, h, mi, sec, zone.offsetMin, ctx.timezone);
  if (base === undefined) return { failure: `cannot convert "${s.slice(i, p)}" (unknown timezone ${ctx.timezone})` };
  return { iso: `${base}${fractionText(s, fracStart, fracEnd)}Z`, end: p };
}

/** Zone designator at `p`: offset in minutes (NaN = none given), or undefined when malformed. */
function readZone(s: string, p: number): { offsetMin: number; end: number } | undefined {
  const c = s.charCodeAt(p);
  if (c === 90 || c === 122) return { offsetMin: 0, end: p + 1 }; // Z
  if (c !== 43 && c !== 45) return { offsetMin: Number.NaN, end: p };
  const sign = c === 45 ? -1 : 1;
  const hh = two(s, p + 1);
  if (hh < 0 || hh > 23) return undefined;
  let mm = 0;
  let end = p + 3;
  if (s.charCodeAt(end) === 58) {
    mm = two(s, end + 1);
    end += 3;
  } else if (isDigit(s.charCodeAt(end))) {
    mm = two(s, end);
    end += 2;
  }
  if (mm < 0 || mm > 59) return undefined;
  return { offsetMin: sign * (hh * 60 + mm), end };
}

function isoBase(y: number, mo: number, d: number, h: number, mi: number, sec: number, off: number, tz: string): string | undefined {
  const c = isoCache;
  const sameZone = Number.isNaN(off) ? Number.isNaN(c.off) && tz === c.tz : off === c.off;
  if (sec === c.s && mi === c.mi && h === c.h && d === c.d && mo === c.mo && y === c.y && sameZone) return c.base;
  const utc = off === 0 || (Number.isNaN(off) && isUtc(tz));
  const base = utc && sec < 60 ? fieldsIso(y, mo, d, h, mi, sec) : convert(y, mo, d, h, mi, sec, off, tz);
  if (base === undefined) return undefined;
  c.y = y;
  c.mo = mo;
  c.d = d;
  c.h = h;
  c.mi = mi;
  c.s = sec;
  c.off = off;
  c.tz = tz;
  c.base = base;
  return base;
}

/** A day/month/year/time stamp `20/Jun/2022:13:15:19 +0200` (Proxmox firewall log), as ISO. */
export function clfTimestamp(day: number, month: number, year: number, h: number, mi: number, sec: number, offsetMin: number): string | undefined {
  if (!validDate(year, month, day) || !validTime(h, mi, sec)) return undefined;
  const base = convert(year, month, day, h, mi, sec, offsetMin, 'UTC');
  return base === undefined ? undefined : `${base}.000Z`;
}
