import { formatDuration, parseDuration } from '@vigil/core';
import { checkRanges, DEFAULT_LOCAL_NETWORKS } from '@vigil/store';
import { badOption } from '../watch/context.ts';

/** The longest `--since`: the statistics read daily indices, ten years of them is already a lot. */
const MAX_SINCE_MS = 3660 * 86_400_000;
/** An ISO date, or date and time with an explicit zone: a time without a zone would be read in the machine's. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** The time range of a command: `--until` (default now), and `--since` before it. */
export interface TimeRange {
  since: Date;
  until: Date;
}

/** `--until`: an ISO time with a zone (or a date: its midnight UTC); default `now`. */
export function parseUntil(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const at = ISO_TIME.test(text) ? new Date(text) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    throw badOption(`--until must be an ISO time with a zone (2026-11-22T18:00:00Z) or a date (2026-11-22), got "${text}"`);
  }
  return at;
}

/** `--since`: a duration back from `until` (`90d`, `12h`) or an ISO time before it. */
export function parseSince(text: string, until: Date): Date {
  const ms = parseDuration(text);
  if (ms !== undefined) {
    if (ms <= 0 || ms > MAX_SINCE_MS) throw badOption(`--since must be a duration from 1ms to ${formatDuration(MAX_SINCE_MS)}, got "${text}"`);
    return new Date(until.getTime() - ms);
  }
  const at = ISO_TIME.test(text) ? new Date(text) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) throw badOption(`--since must be a duration (90d, 12h) or an ISO time with a zone, got "${text}"`);
  if (at.getTime() >= until.getTime()) throw badOption(`--since ${text} is not before --until ${until.toISOString()}`);
  return at;
}

export function parseRange(since: string, until: string | undefined, now: Date): TimeRange {
  const end = parseUntil(until, now);
  return { since: parseSince(since, end), until: end };
}

/** A whole number option from `min` to `max`, or `fallback` when absent. */
export function parseCount(name: string, text: string | undefined, fallback: number, max: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw badOption(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** A comma-separated list of CIDR ranges or addresses (`--exclude`, `--allow`), normalized; a bad entry is a usage error naming the option. */
export function parseRanges(name: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw badOption(`${name} takes CIDR ranges separated by commas, got "${text}"`);
  try {
    return checkRanges(items, name);
  } catch (err) {
    throw badOption((err as Error).message);
  }
}

/** `--exclude`: the ranges left out, replacing the local networks; `none` leaves nothing out. */
export function parseExclude(text: string | undefined): readonly string[] {
  if (text === undefined) return DEFAULT_LOCAL_NETWORKS;
  if (text.trim() === 'none') return [];
  return parseRanges('--exclude', text);
}

/** `--format`: one of `choices`. */
export function parseFormat<T extends string>(text: string | undefined, choices: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw badOption(`--format must be ${choices.join(', ')}, got "${text}"`);
  return text as T;
}
