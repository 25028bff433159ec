import { VigilError } from '@vigil/core';

/** One bar: its label (drawn at the left, usually an IP address) and its value (≥ 0). */
export interface BarChartRow {
  label: string;
  value: number;
}

/**
 * A horizontal bar chart: one row per entry, the label at the left, the bar, the value at the bar's
 * end. Every text is data (titles come from templates, labels from events): it is cleaned,
 * XML-escaped and shortened, never interpreted.
 */
export interface BarChartSpec {
  /** Drawn at the top; cut to {@link CHART_LIMITS.maxTitleLength} characters and to the width. */
  title: string;
  /**
   * Drawn top to bottom in the given order (callers pass the most frequent first); at most
   * {@link CHART_LIMITS.maxBars}. Values must be finite and ≥ 0. None: a valid image that says "no data".
   */
  rows: readonly BarChartRow[];
  /** What the values count, e.g. `events`: written under the bars. */
  valueLabel?: string;
  /** Image width in pixels, {@link CHART_LIMITS.minWidth}..{@link CHART_LIMITS.maxWidth}; default 800. */
  width?: number;
}

/** One day of a timeline. */
export interface TimelinePoint {
  /** `YYYY-MM-DD` (a real calendar day, UTC). */
  day: string;
  value: number;
}

/**
 * A daily timeline: one column per day from the earliest to the latest day given. Days in between
 * that have no point are drawn as 0 (an empty column), so gaps in the data show as gaps in time.
 */
export interface TimelineSpec {
  title: string;
  /**
   * Any order; each day at most once; values finite and ≥ 0. At most {@link CHART_LIMITS.maxDays}
   * points, spanning at most that many days from first to last. None: a valid image that says "no data".
   */
  points: readonly TimelinePoint[];
  /** What the values count, e.g. `events`: written above the value axis. */
  valueLabel?: string;
  /**
   * Image width in pixels, default 800. It grows past this when the span has more days than the
   * plot has room for at 2 px per day (see `timelineSize`).
   */
  width?: number;
  /** Image height in pixels, {@link CHART_LIMITS.minHeight}..{@link CHART_LIMITS.maxHeight}; default 300. */
  height?: number;
}

/** Bounds that keep an image small whatever a payload holds; beyond them a spec is refused. */
export const CHART_LIMITS = {
  maxBars: 100,
  maxDays: 400,
  /** Labels are cut to this many characters (then to the label column) and end in `…`. */
  maxLabelLength: 48,
  maxTitleLength: 200,
  minWidth: 360,
  maxWidth: 2000,
  minHeight: 160,
  maxHeight: 1200,
} as const;

/** The one colour of bars and timeline columns (`#1f6feb`), solid, so tests can find it in the pixels. */
export const BAR_COLOUR = '#1f6feb';

function invalid(message: string): VigilError {
  return new VigilError('CONFIG_INVALID', `chart: ${message}`);
}

/** A size option: an integer within bounds, or the default. */
export function sizeOf(what: 'width' | 'height', value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${what} must be a whole number of pixels from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** A value to draw: a finite number ≥ 0 (a count, a sum). */
export function checkValue(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`${where} must be a finite number ≥ 0, got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
  return value;
}

/** A text to draw: a string (its content is anything; it is cleaned and escaped where drawn). */
export function checkText(where: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`${where} must be text, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** Refuses more than `max` entries, naming the limit, before any work is done on them. */
export function checkCount(what: string, count: number, max: number): void {
  if (count > max) throw invalid(`${count} ${what} is more than the limit of ${max}`);
}

export { invalid as chartError };
