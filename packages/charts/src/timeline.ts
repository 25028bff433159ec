import { svgToPng } from './render.ts';
import { BAR_COLOUR, CHART_LIMITS, checkCount, checkText, checkValue, chartError, sizeOf, type TimelineSpec } from './spec.ts';
import { AXIS_COLOUR, MUTED_COLOUR, PAD, TEXT_COLOUR, document, rect, text } from './svg.ts';
import { cleanText, fitText, formatValue, textWidth } from './text.ts';

const HEADER = 64;
const BOTTOM = 36;
const FONT = 11;
const TICK_FONT = 10;
/** The narrowest day: a 1 px column and a 1 px gap, so columns stay countable. */
const MIN_PITCH = 2;
const DAY_MS = 86_400_000;

interface TimelineLayout {
  width: number;
  height: number;
  plotX: number;
  plotTop: number;
  plotBottom: number;
  pitch: number;
  column: number;
  /** Every day from the first to the last, missing ones with value 0. */
  days: { day: string; value: number; height: number }[];
  maxText: string;
  valueLabel: string | undefined;
}

/** Milliseconds of a `YYYY-MM-DD` that names a real day, else an error naming the point. */
function dayOf(where: string, day: unknown): number {
  const textDay = checkText(where, day);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(textDay) ? Date.parse(`${textDay}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== textDay) {
    throw chartError(`${where} must be a day as YYYY-MM-DD, got ${JSON.stringify(textDay.slice(0, 40))}`);
  }
  return ms;
}

/** The points by day, checked: real days, each once, values finite and ≥ 0. */
function valuesByDay(spec: TimelineSpec): Map<number, number> {
  if (!Array.isArray(spec.points)) throw chartError('points must be a list');
  checkCount('points', spec.points.length, CHART_LIMITS.maxDays);
  const byDay = new Map<number, number>();
  spec.points.forEach((point, i) => {
    const ms = dayOf(`points[${i}].day`, point?.day);
    if (byDay.has(ms)) throw chartError(`points[${i}].day: ${point.day} appears more than once`);
    byDay.set(ms, checkValue(`points[${i}].value`, point?.value));
  });
  return byDay;
}

function layout(spec: TimelineSpec): TimelineLayout {
  const requested = sizeOf('width', spec.width, 800, CHART_LIMITS.minWidth, CHART_LIMITS.maxWidth);
  const height = sizeOf('height', spec.height, 300, CHART_LIMITS.minHeight, CHART_LIMITS.maxHeight);
  checkText('title', spec.title);
  const valueLabel = spec.valueLabel === undefined ? undefined : fitText(cleanText(checkText('valueLabel', spec.valueLabel)), 60, requested - 2 * PAD, FONT);
  const byDay = valuesByDay(spec);

  const keys = [...byDay.keys()].sort((a, b) => a - b);
  const first = keys[0] ?? 0;
  const span = keys.length === 0 ? 0 : ((keys.at(-1) ?? first) - first) / DAY_MS + 1;
  checkCount('days from the first point to the last', span, CHART_LIMITS.maxDays);
  const max = Math.max(0, ...byDay.values());
  const maxText = formatValue(max);

  const plotX = PAD + Math.ceil(Math.max(textWidth(maxText, FONT), 24)) + 6;
  const plotTop = HEADER + 8;
  const plotBottom = height - BOTTOM;
  const pitch = span === 0 ? 0 : Math.max(MIN_PITCH, Math.floor((requested - PAD - plotX) / span));
  const width = Math.max(requested, plotX + span * pitch + PAD);
  const column = pitch >= 4 ? pitch - Math.max(1, Math.round(pitch * 0.2)) : pitch - 1;
  const plotHeight = plotBottom - plotTop;
  const days = Array.from({ length: span }, (_, i) => {
    const ms = first + i * DAY_MS;
    const value = byDay.get(ms) ?? 0;
    const exact = max === 0 ? 0 : (value / max) * plotHeight;
    return { day: new Date(ms).toISOString().slice(0, 10), value, height: value > 0 ? Math.max(1, Math.round(exact)) : 0 };
  });
  return { width, height, plotX, plotTop, plotBottom, pitch, column, days, maxText, valueLabel };
}

/**
 * The pixel size `spec` renders at: `height` (default 300) high and `width` (default 800) wide, or
 * wider when the span has more days than fit at 2 px a day.
 */
export function timelineSize(spec: TimelineSpec): { width: number; height: number } {
  const { width, height } = layout(spec);
  return { width, height };
}

/**
 * Date ticks: every k-th day so that labels do not overlap, each centred under its column (the
 * first may reach into the value axis' margin, which is wider than half a label), leaving out one
 * that would run off the right edge.
 */
function ticks(l: TimelineLayout): string[] {
  const labelWidth = textWidth('0000-00-00', TICK_FONT);
  const every = Math.max(1, Math.ceil((labelWidth + 12) / l.pitch));
  const out: string[] = [];
  l.days.forEach((d, i) => {
    if (i % every !== 0) return;
    const centre = l.plotX + i * l.pitch + Math.floor(l.column / 2);
    if (i > 0 && centre + labelWidth / 2 > l.width - 2) return;
    out.push(rect(centre, l.plotBottom + 1, 1, 4, MUTED_COLOUR));
    out.push(text(centre, l.plotBottom + 18, d.day, { 'font-size': TICK_FONT, fill: MUTED_COLOUR, 'text-anchor': 'middle' }));
  });
  return out;
}

/**
 * The timeline as SVG: one {@link BAR_COLOUR} column per day from the earliest to the latest point,
 * days without a point filled with 0 (no column), heights proportional to the values (the largest
 * spans the plot), 0 and the maximum on the value axis, date ticks below. Throws a `VigilError`
 * (`CONFIG_INVALID`) for a bad day, a day given twice, a value that is not a finite number ≥ 0,
 * more than {@link CHART_LIMITS.maxDays} points or days, or a bad size.
 */
export function timelineSvg(spec: TimelineSpec): string {
  const l = layout(spec);
  const body: string[] = [];
  const plotRight = l.days.length === 0 ? l.width - PAD : l.plotX + l.days.length * l.pitch;
  if (l.valueLabel !== undefined) body.push(text(PAD, 50, l.valueLabel, { 'font-size': FONT, fill: MUTED_COLOUR }));
  body.push(rect(l.plotX, l.plotTop, plotRight - l.plotX, 1, '#eaeef2'));
  body.push(rect(l.plotX, l.plotBottom, plotRight - l.plotX, 1, AXIS_COLOUR));
  body.push(text(l.plotX - 6, l.plotTop + 4, l.maxText, { 'font-size': FONT, fill: TEXT_COLOUR, 'text-anchor': 'end' }));
  body.push(text(l.plotX - 6, l.plotBottom + 4, '0', { 'font-size': FONT, fill: TEXT_COLOUR, 'text-anchor': 'end' }));
  if (l.days.length === 0) body.push(text(l.plotX + 8, (l.plotTop + l.plotBottom) / 2, 'no data', { 'font-size': 12, fill: MUTED_COLOUR }));
  l.days.forEach((d, i) => {
    if (d.height > 0) body.push(rect(l.plotX + i * l.pitch, l.plotBottom - d.height, l.column, d.height, BAR_COLOUR));
  });
  body.push(...ticks(l));
  return document(l.width, l.height, spec.title, body);
}

/** {@link timelineSvg} rendered to PNG at {@link timelineSize}, with DejaVu Sans only. */
export function timelinePng(spec: TimelineSpec): Buffer {
  return svgToPng(timelineSvg(spec));
}
