import type { ParseContext } from '../types.ts';
import { zonedToEpochMs } from '../time.ts';
import { isDigit, cursor, readNumber, SPACE } from './scan.ts';

// Timestamps of a tcpdump line. `-tttt` prints local wall-clock time without a zone; every distinct
// second is converted once (consecutive packets share it), and the zone lookup (Intl) once a minute.

/** Where the packet text starts and the line's `@timestamp`, or why there is none. */
export type Stamp = { at: number; timestamp: string } | { failure: string };

let cachedZone = '';
let cachedKey = ''; // `YYYY-MM-DD HH:MM:SS`, local
let cachedIso = ''; // `YYYY-MM-DDTHH:MM:SS`, UTC

/** The digits of `key` at `from` (fixed width), or NaN. */
function field(key: string, from: number, width: number): number {
  const n = readNumber(key, from);
  return cursor.end === from + width ? n : Number.NaN;
}

/** UTC `YYYY-MM-DDTHH:MM:SS` of a local `YYYY-MM-DD HH:MM:SS` in `timezone`; undefined when invalid. */
function convert(key: string, timezone: string): string | undefined {
  if (key.charCodeAt(4) !== 45 || key.charCodeAt(7) !== 45 || key.charCodeAt(10) !== SPACE || key.charCodeAt(13) !== 58 || key.charCodeAt(16) !== 58) return undefined;
  const y = field(key, 0, 4);
  const mo = field(key, 5, 2);
  const d = field(key, 8, 2);
  const h = field(key, 11, 2);
  const mi = field(key, 14, 2);
  const sec = field(key, 17, 2);
  if (!(y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 59)) return undefined;
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined; // Feb 30
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return `${key.slice(0, 10)}T${key.slice(11, 19)}`;
  const minute = minuteEpoch(key.slice(0, 16), timezone, [y, mo, d, h, mi]);
  if (Number.isNaN(minute)) return undefined;
  // offsets are whole minutes (since 1972 everywhere): the UTC second is the local one
  if (minute % 60_000 === 0) return `${minuteIso}:${key.slice(17, 19)}`;
  return new Date(minute + sec * 1000).toISOString().slice(0, 19);
}

let minuteZone = '';
let minuteKey = '';
let minuteMs = Number.NaN;
let minuteIso = ''; // `YYYY-MM-DDTHH:MM`, UTC

/**
 * Epoch ms of the local minute `YYYY-MM-DD HH:MM` in `timezone`, cached: zone offsets change on whole
 * minutes, so the seconds of a minute share it, and the Intl work runs once a minute of traffic.
 */
function minuteEpoch(key: string, timezone: string, [y, mo, d, h, mi]: number[]): number {
  if (key === minuteKey && timezone === minuteZone) return minuteMs;
  let ms: number;
  try {
    ms = zonedToEpochMs(y as number, mo as number, d as number, h as number, mi as number, 0, 0, timezone);
  } catch {
    return Number.NaN; // an unknown zone: the runner validates it, this only keeps parse from throwing
  }
  minuteZone = timezone;
  minuteKey = key;
  minuteMs = ms;
  minuteIso = Number.isNaN(ms) ? '' : new Date(ms).toISOString().slice(0, 16);
  return ms;
}

/** {@link convert} of `s[i, i+19)`, from a one-entry cache when the previous line had the same second. */
function utcSecond(s: string, i: number, timezone: string): string | undefined {
  const key = s.slice(i, i + 19);
  if (key === cachedKey && timezone === cachedZone) return cachedIso;
  const iso = convert(key, timezone);
  if (iso !== undefined) {
    cachedZone = timezone;
    cachedKey = key;
    cachedIso = iso;
  }
  return iso;
}

let todayZone = '';
let todayMinute = Number.NaN;
let today = '';

/** `YYYY-MM-DD` of `now` in `timezone`, for lines that print only a time of day (one Intl call per minute of `now`). */
function localDate(now: Date, timezone: string): string {
  const minute = Math.floor(now.getTime() / 60_000); // local dates change on whole minutes in every zone
  if (timezone === todayZone && minute === todayMinute) return today;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  } catch {
    return 'invalid zone';
  }
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  todayZone = timezone;
  todayMinute = minute;
  today = `${part('year')}-${part('month')}-${part('day')}`;
  return today;
}

/** `second` plus the fraction in `s[from, to)`: milliseconds when 1–3 digits were printed, else microseconds. */
function withFraction(second: string, s: string, from: number, to: number): string {
  const n = to - from;
  if (n === 6) return second + s.slice(from - 1, to) + 'Z'; // `.123456`, the usual case
  if (n <= 3) return `${second}.${s.slice(from, to).padEnd(3, '0')}Z`;
  return `${second}.${n > 6 ? s.slice(from, from + 6) : s.slice(from, to).padEnd(6, '0')}Z`;
}

/** `HH:MM:SS.` at `i`. */
function isClock(s: string, i: number): boolean {
  return s.charCodeAt(i + 2) === 58 && s.charCodeAt(i + 5) === 58 && s.charCodeAt(i + 8) === 46 && isDigit(s.charCodeAt(i)) && isDigit(s.charCodeAt(i + 7));
}

/** Index of the space after the fraction of a second starting at `from`, or -1. */
function fractionEnd(s: string, from: number): number {
  readNumber(s, from);
  return cursor.end > from && s.charCodeAt(cursor.end) === SPACE ? cursor.end : -1;
}

/** A `-tttt` time at `i`: `YYYY-MM-DD HH:MM:SS.ffffff `. */
function fullStamp(s: string, i: number, ctx: ParseContext): Stamp {
  const end = fractionEnd(s, i + 20);
  const second = s.charCodeAt(i + 19) === 46 && end !== -1 ? utcSecond(s, i, ctx.timezone) : undefined;
  if (second === undefined) return { failure: `invalid tcpdump -tttt time ${JSON.stringify(s.slice(i, i + 26))}` };
  return { at: end + 1, timestamp: withFraction(second, s, i + 20, end) };
}

/** A time of day at `i` (`HH:MM:SS.ffffff `): today in the zone, or yesterday when today would be more than an hour ahead. */
function clockStamp(s: string, i: number, ctx: ParseContext): Stamp {
  const end = fractionEnd(s, i + 9);
  const clock = s.slice(i, i + 8);
  let second = end === -1 ? undefined : utcSecond(`${localDate(ctx.now, ctx.timezone)} ${clock}`, 0, ctx.timezone);
  if (second === undefined) return { failure: `invalid tcpdump time ${JSON.stringify(s.slice(i, i + 15))}` };
  if (Date.parse(`${second}Z`) - ctx.now.getTime() > 3_600_000) {
    const yesterday = localDate(new Date(ctx.now.getTime() - 86_400_000), ctx.timezone);
    second = utcSecond(`${yesterday} ${clock}`, 0, ctx.timezone) ?? second;
  }
  return { at: end + 1, timestamp: withFraction(second, s, i + 9, end) };
}

/**
 * Reads the time at `i`: `YYYY-MM-DD HH:MM:SS.ffffff` (`-tttt`), `HH:MM:SS.ffffff` (tcpdump's default),
 * or none (`-t`: the line starts with `IP`, and `@timestamp` is `ctx.now`).
 */
export function readStamp(s: string, i: number, ctx: ParseContext): Stamp {
  if (s.charCodeAt(i + 4) === 45) return fullStamp(s, i, ctx);
  if (isClock(s, i)) return clockStamp(s, i, ctx);
  if (s.startsWith('IP', i)) return { at: i, timestamp: ctx.now.toISOString() };
  return { failure: 'no tcpdump timestamp (expected -tttt "YYYY-MM-DD HH:MM:SS.ffffff", "HH:MM:SS.ffffff" or "IP" first)' };
}
