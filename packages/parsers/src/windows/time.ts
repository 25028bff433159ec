import type { ParseContext } from '../types.ts';
import { isoWithFraction, monthNumber, zonedToEpochMs } from '../time.ts';

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?$/;

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** Epoch ms of a local wall-clock time in `timezone`, or NaN (impossible date, unknown zone). */
function localMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, timezone: string): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return Number.NaN;
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return Number.NaN;
  try {
    return zonedToEpochMs(y, mo, d, h, mi, s, ms, timezone);
  } catch {
    return Number.NaN;
  }
}

/**
 * `2026-11-22T09:49:32.123`, `2022-04-28T16:09:28.9443547Z`, `2026-11-22 09:49:32`, `...+02:00`: an
 * offset or `Z` is honoured; without one the time is local in `ctx.timezone` (wevtutil text, NXLog).
 * Up to microseconds are kept.
 */
export function windowsTime(value: string, ctx: ParseContext): string | undefined {
  const m = ISO.exec(value.trim());
  if (m === null) return undefined;
  const fraction = m[7] ?? '';
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const zone = m[8];
  const epoch = zone === undefined
    ? localMs(y as number, mo as number, d as number, h as number, mi as number, s as number, ms, ctx.timezone)
    : localMs(y as number, mo as number, d as number, h as number, mi as number, s as number, ms, 'UTC') - zoneOffsetMs(zone);
  return Number.isNaN(epoch) ? undefined : isoWithFraction(epoch, fraction);
}

const OSSEC_DATE = /(\d{4}) ([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d) $/;

/** The OSSEC agent's `2017 Apr 18 17:30:52 ` that ends `prefix` (local time, `ctx.timezone`). */
export function ossecDateBefore(prefix: string, ctx: ParseContext): string | undefined {
  const m = OSSEC_DATE.exec(prefix.slice(-22));
  const month = m === null ? undefined : monthNumber(m[2] as string);
  if (m === null || month === undefined) return undefined;
  const epoch = localMs(Number(m[1]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0, ctx.timezone);
  return Number.isNaN(epoch) ? undefined : new Date(epoch).toISOString();
}
