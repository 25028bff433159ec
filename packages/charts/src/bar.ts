import { svgToPng } from './render.ts';
import { BAR_COLOUR, CHART_LIMITS, checkCount, checkText, checkValue, chartError, sizeOf, type BarChartSpec } from './spec.ts';
import { AXIS_COLOUR, MUTED_COLOUR, PAD, TEXT_COLOUR, document, rect, text } from './svg.ts';
import { cleanText, fitText, formatValue, textWidth } from './text.ts';

const HEADER = 48;
const ROW = 24;
const BAR = 16;
const FONT = 12;
const FOOTER_WITH_LABEL = 32;
const FOOTER = 16;
/** Baseline offset from a row's centre line for 12 px text. */
const BASELINE = 4;

interface BarLayout {
  width: number;
  height: number;
  /** Left edge of every bar. */
  barX: number;
  labelWidth: number;
  maxBar: number;
  rows: { label: string; value: number; text: string; length: number; centre: number }[];
  valueLabel: string | undefined;
}

/** Checks the spec (limits first, so an oversized payload costs nothing) and places everything. */
function layout(spec: BarChartSpec): BarLayout {
  const width = sizeOf('width', spec.width, 800, CHART_LIMITS.minWidth, CHART_LIMITS.maxWidth);
  checkText('title', spec.title);
  if (!Array.isArray(spec.rows)) throw chartError('rows must be a list');
  checkCount('bars', spec.rows.length, CHART_LIMITS.maxBars);
  const rows = spec.rows.map((row, i) => {
    const label = cleanText(checkText(`rows[${i}].label`, row?.label));
    const value = checkValue(`rows[${i}].value`, row?.value);
    return { label, value, text: formatValue(value) };
  });
  const valueLabel = spec.valueLabel === undefined ? undefined : fitText(cleanText(checkText('valueLabel', spec.valueLabel)), 60, width - 2 * PAD, FONT);

  const longest = Math.max(0, ...rows.map((r) => textWidth(Array.from(r.label).slice(0, CHART_LIMITS.maxLabelLength).join(''), FONT)));
  const labelWidth = Math.ceil(Math.min(Math.max(longest, 40), width * 0.35));
  const barX = PAD + labelWidth + 8;
  const valueWidth = Math.ceil(Math.max(0, ...rows.map((r) => textWidth(r.text, FONT)))) + 6;
  const maxBar = width - PAD - valueWidth - barX;
  const top = Math.max(0, ...rows.map((r) => r.value));
  const placed = rows.map((r, i) => {
    const exact = top === 0 ? 0 : (r.value / top) * maxBar;
    // a value above zero stays visible, however small beside the top one
    const length = r.value > 0 ? Math.max(1, Math.round(exact)) : 0;
    return { ...r, label: fitText(r.label, CHART_LIMITS.maxLabelLength, labelWidth, FONT), length, centre: HEADER + i * ROW + ROW / 2 };
  });
  const height = HEADER + Math.max(1, rows.length) * ROW + (valueLabel === undefined ? FOOTER : FOOTER_WITH_LABEL);
  return { width, height, barX, labelWidth, maxBar, rows: placed, valueLabel };
}

/** The pixel size `spec` renders at: `width` (default 800) × header + one 24 px row per bar (one for "no data") + footer. */
export function barChartSize(spec: BarChartSpec): { width: number; height: number } {
  const { width, height } = layout(spec);
  return { width, height };
}

/**
 * The bar chart as SVG: rows top to bottom in the order given, bars in {@link BAR_COLOUR} from one
 * left edge, their lengths proportional to the values (the largest spans the plot), each value at
 * its bar's end. Throws a `VigilError` (`CONFIG_INVALID`) for a value that is not a finite number ≥ 0,
 * a label that is not text, more than {@link CHART_LIMITS.maxBars} rows or a bad width.
 */
export function barChartSvg(spec: BarChartSpec): string {
  const l = layout(spec);
  const body: string[] = [];
  const plotBottom = HEADER + Math.max(1, l.rows.length) * ROW;
  body.push(`<defs><clipPath id="labels"><rect x="0" y="${HEADER}" width="${PAD + l.labelWidth}" height="${plotBottom - HEADER}"/></clipPath></defs>`);
  body.push(rect(l.barX - 1, HEADER, 1, plotBottom - HEADER, AXIS_COLOUR));
  if (l.rows.length === 0) body.push(text(l.barX + 8, HEADER + ROW / 2 + BASELINE, 'no data', { 'font-size': FONT, fill: MUTED_COLOUR }));
  const labels = l.rows.map((r) => text(PAD, r.centre + BASELINE, r.label, { 'font-size': FONT, fill: TEXT_COLOUR }));
  body.push(`<g clip-path="url(#labels)">`, ...labels, '</g>');
  for (const r of l.rows) {
    if (r.length > 0) body.push(rect(l.barX, r.centre - BAR / 2, r.length, BAR, BAR_COLOUR));
    body.push(text(l.barX + r.length + 6, r.centre + BASELINE, r.text, { 'font-size': FONT, fill: TEXT_COLOUR }));
  }
  if (l.valueLabel !== undefined) body.push(text(l.barX, plotBottom + 20, l.valueLabel, { 'font-size': FONT, fill: MUTED_COLOUR }));
  return document(l.width, l.height, spec.title, body);
}

/** {@link barChartSvg} rendered to PNG at {@link barChartSize}, with DejaVu Sans only. */
export function barChartPng(spec: BarChartSpec): Buffer {
  return svgToPng(barChartSvg(spec));
}
