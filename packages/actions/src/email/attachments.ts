import { CHART_LIMITS, barChartPng, barChartSize, timelinePng, timelineSize } from '@vigil/charts';
import { VigilError, expandPath, getPath, parsePath } from '@vigil/core';
import { z } from 'zod';
import { renderOption, templateOption } from '../http/options.ts';
import type { ActionContext } from '../types.ts';
import { csvDocument } from './csv.ts';

// The email action's `attachments`: charts (PNG, shown in the HTML body when inline) and CSV tables,
// both built from an array in the alert (`payload.last_90d.rows`).

/** Most attachments one action may declare: a mail is read by people, not used as a file transfer. */
export const MAX_ATTACHMENTS = 10;
/** Most rows one CSV attachment writes. */
export const MAX_CSV_ROWS = 10_000;
/** Widest an inline image is shown in the default HTML body (its column is 600 px). */
const INLINE_WIDTH = 600;

/** A path into what the templates see, as transform `pick` writes it; `[]` collects from every element. */
function pathOption(description: string) {
  return z
    .string()
    .superRefine((text, ctx) => {
      try {
        parsePath(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .describe(description);
}

/** A field of each row: an own key of the row (`source.ip` as one key) or else a path into it (`by_day.value`). */
function fieldOption(description: string) {
  return z
    .string()
    .min(1)
    .refine((text) => !text.includes('[]'), 'names one field of a row: [] has no place here')
    .describe(`${description} An own key of the row (source.ip as one key) or else a path into the row (stats.max).`);
}

const ROWS_DESCRIPTION =
  'A path into what the templates see ({payload, entity, alert, window, metadata, ...}), as transform pick writes it: ' +
  'payload.last_90d.rows; it must reach a list of objects. With [] (payload.by_source.buckets[].top) the list of every value reached.';

const valueLabel = z.string().max(60).optional().describe('What the values count, written on the chart (events). Plain text, not a template.');
const chartTitle = templateOption('Chart title: a template rendered as plain text (the chart escapes it), drawn at the top and used as the image\'s alt text.');

/** `chart: {type: bar}`: the first `limit` rows as horizontal bars, top to bottom in their order. */
const barChartOption = z.strictObject({
  /** `bar`: horizontal bars, one per row, in the rows' order (pass them most frequent first). */
  type: z.literal('bar').describe('bar: one horizontal bar per row, top to bottom in the rows\' order; timeline: one column per day.'),
  /** Title template (plain text). */
  title: chartTitle,
  /** Path to the rows (a list of objects). */
  rows: pathOption(ROWS_DESCRIPTION),
  /** Field of each row drawn as the bar's label (an IP address). */
  label: fieldOption('Field of each row drawn as the bar\'s label (ip).'),
  /** Field of each row giving the bar's value (a number ≥ 0). */
  value: fieldOption('Field of each row giving the bar\'s length: a number ≥ 0 (count).'),
  /** Draw the first N rows (default 20, at most 100); the detail says how many there were. */
  limit: z.number().int().min(1).max(CHART_LIMITS.maxBars).default(20).describe(`Draw the first N rows (default 20, at most ${CHART_LIMITS.maxBars}).`),
  /** What the values count, written under the bars. */
  value_label: valueLabel,
});

/** `chart: {type: timeline}`: one column per day from the first to the last day of the rows. */
const timelineChartOption = z.strictObject({
  /** `timeline`: one column per day, days missing between the first and the last drawn as 0. */
  type: z.literal('timeline').describe('timeline: one column per day from the first to the last, a missing day drawn as 0.'),
  /** Title template (plain text). */
  title: chartTitle,
  /** Path to the rows (a list of objects), one per day. */
  rows: pathOption(`${ROWS_DESCRIPTION} One row per day, at most ${CHART_LIMITS.maxDays} days.`),
  /** Field of each row giving its day: `YYYY-MM-DD`, a timestamp (its UTC day) or epoch milliseconds (`date_histogram`'s `key`). */
  x: fieldOption('Field of each row giving its day: YYYY-MM-DD, an ISO timestamp (its UTC day) or epoch milliseconds (a date_histogram key).'),
  /** Field of each row giving the day's value (a number ≥ 0). */
  y: fieldOption('Field of each row giving the day\'s value: a number ≥ 0 (count).'),
  /** What the values count, written above the value axis. */
  value_label: valueLabel,
});

const chartOption = z.discriminatedUnion('type', [barChartOption, timelineChartOption]);

/** `csv`: the rows as an RFC 4180 table, one column per name, the names as the header row. */
const csvOption = z.strictObject({
  /** Path to the rows (a list of objects). */
  rows: pathOption(ROWS_DESCRIPTION),
  /** Columns, in order: each a field of the rows; the header row is these names. A missing field is an empty cell. */
  columns: z
    .array(fieldOption('A column: a field of each row.'))
    .min(1)
    .max(100)
    .describe('Columns in order, each a field of the rows; the header row holds these names; a missing field is an empty cell, a list is joined with ";".'),
  /** Write the first N rows (default and most 10000); the detail says how many there were. */
  limit: z.number().int().min(1).max(MAX_CSV_ROWS).default(MAX_CSV_ROWS).describe(`Write the first N rows (default and at most ${MAX_CSV_ROWS}).`),
});

const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** One attachment: a chart (`.png`, inline or not) or a CSV table (`.csv`). */
const attachmentOption = z
  .strictObject({
    /**
     * The file name the mail gives it: letters, digits, `.`, `_`, `-`, starting with a letter or digit,
     * ending in `.png` for a chart and `.csv` for a CSV; unique within the action. An inline image's
     * Content-ID is this name (`<img src="cid:top-sources.png">`).
     */
    filename: z
      .string()
      .regex(FILENAME, 'must be a file name of letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters: top-sources.png')
      .describe('File name: letters, digits, ".", "_", "-"; .png for a chart, .csv for a CSV; unique within the action. An inline image is cid:<filename>.'),
    /**
     * A chart shown in the HTML body (Content-ID `<filename>`): the default HTML places it after the
     * figures; a custom `html` shows it with `<img src="cid:<filename>">`. Default false.
     */
    inline: z
      .boolean()
      .default(false)
      .describe('Show the chart in the HTML body as cid:<filename> (Content-ID <filename>); the default HTML shows it after the figures (default false).'),
    /** Draw a chart (PNG). */
    chart: chartOption.optional().describe('A chart drawn as a PNG image: type bar (the first N rows as horizontal bars) or timeline (one column per day).'),
    /** Write a CSV table (`text/csv; charset=utf-8`). */
    csv: csvOption.optional().describe('A CSV table (RFC 4180, CRLF; cells starting with = + - @ TAB or CR get a leading \' so spreadsheets do not run them).'),
  })
  .superRefine((a, ctx) => {
    if ((a.chart === undefined) === (a.csv === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of chart or csv' });
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (a.chart !== undefined && !a.filename.endsWith('.png')) issue('filename', 'a chart is a PNG image: its filename must end in .png');
    if (a.csv !== undefined && !a.filename.endsWith('.csv')) issue('filename', "a CSV attachment's filename must end in .csv");
    if (a.csv !== undefined && a.inline) issue('inline', 'only a chart can be inline (shown in the HTML body)');
  });

/** The `attachments` option of the email action. */
export const attachmentsOption = z
  .array(attachmentOption)
  .max(MAX_ATTACHMENTS)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>(['alert.json']);
    list.forEach((a, i) => {
      // two names a case-insensitive file system would merge are the same attachment to its reader
      const key = a.filename.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'filename'], message: `${a.filename} is already the name of another attachment` });
      seen.add(key);
    });
  })
  .describe(`Charts (PNG, inline in the HTML body or attached) and CSV tables built from a list in the alert; at most ${MAX_ATTACHMENTS}.`);

export type AttachmentOption = z.output<typeof attachmentOption>;

/** An attachment built for one mail: what nodemailer sends and what history shows. */
export interface BuiltAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  inline: boolean;
  /** Rows drawn or written (charts and CSV), and how many the path held (more when `limit` cut some). */
  rows?: number;
  rowsTotal?: number;
  /** For an inline chart: the rendered title (alt text) and the pixel size. */
  image?: { alt: string; width: number; height: number };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The rows at `path` in `view`; anything but a list of objects fails for good, naming the attachment and the path. */
function rowsAt(where: string, path: string, view: unknown): Record<string, unknown>[] {
  const value = path.includes('[]') ? expandPath(view, path).map((item) => item.value) : getPath(view, path);
  if (!Array.isArray(value)) throw new VigilError('CONFIG_INVALID', `${where}: rows: ${path} is ${describeValue(value)}, not a list of objects`);
  const bad = value.findIndex((row) => row === null || typeof row !== 'object' || Array.isArray(row));
  if (bad >= 0) throw new VigilError('CONFIG_INVALID', `${where}: rows: element ${bad} of ${path} is ${describeValue(value[bad])}, not an object`);
  return value as Record<string, unknown>[];
}

/** A row's field: its own key of that name, else the path into the row. */
export function fieldOf(row: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(row, name) ? row[name] : getPath(row, name);
}

/** A number from a row: a JSON number, or text that is one (`"12"`); the chart checks the range. */
function numberOf(where: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  throw new VigilError('CONFIG_INVALID', `${where} is ${describeValue(value)}, not a number`);
}

function labelOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A day from a row: `YYYY-MM-DD` as is, a timestamp's UTC day, epoch milliseconds' UTC day; the chart checks the rest. */
function dayOf(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 8.64e15) return new Date(value).toISOString().slice(0, 10);
  if (typeof value !== 'string') return labelOf(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(Date.parse(value)).toISOString().slice(0, 10);
  return value;
}

/** Chart errors (a negative value, a limit) say which attachment they are about. */
function named<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof VigilError) throw new VigilError(error.code, `${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

type ChartOption = NonNullable<AttachmentOption['chart']>;

function chartAttachment(where: string, a: AttachmentOption, chart: ChartOption, view: unknown, context: ActionContext): BuiltAttachment {
  const all = rowsAt(where, chart.rows, view);
  const title = renderOption(`${where}: chart.title`, chart.title, view, 'none', context);
  const valueLabel = chart.value_label === undefined ? {} : { valueLabel: chart.value_label };
  let png: Buffer;
  let size: { width: number; height: number };
  let drawn: number;
  if (chart.type === 'bar') {
    const picked = all.slice(0, chart.limit);
    const rows = picked.map((row, n) => ({
      label: labelOf(fieldOf(row, chart.label)),
      value: numberOf(`${where}: ${chart.rows}[${n}].${chart.value}`, fieldOf(row, chart.value)),
    }));
    const spec = { title, rows, ...valueLabel };
    [png, size] = named(where, () => [barChartPng(spec), barChartSize(spec)] as const);
    drawn = rows.length;
  } else {
    const points = all.map((row, n) => ({
      day: dayOf(fieldOf(row, chart.x)),
      value: numberOf(`${where}: ${chart.rows}[${n}].${chart.y}`, fieldOf(row, chart.y)),
    }));
    const spec = { title, points, ...valueLabel };
    [png, size] = named(where, () => [timelinePng(spec), timelineSize(spec)] as const);
    drawn = points.length;
  }
  const shown = Math.min(size.width, INLINE_WIDTH);
  return {
    filename: a.filename,
    contentType: 'image/png',
    content: png,
    inline: a.inline,
    rows: drawn,
    rowsTotal: all.length,
    ...(a.inline ? { image: { alt: title, width: shown, height: Math.round((size.height * shown) / size.width) } } : {}),
  };
}

function csvAttachment(where: string, a: AttachmentOption, csv: NonNullable<AttachmentOption['csv']>, view: unknown): BuiltAttachment {
  const all = rowsAt(where, csv.rows, view);
  const rows = all.slice(0, csv.limit);
  const text = csvDocument(
    csv.columns,
    rows.map((row) => csv.columns.map((column) => fieldOf(row, column))),
  );
  const content = Buffer.from(text, 'utf8');
  return { filename: a.filename, contentType: 'text/csv; charset=utf-8', content, inline: false, rows: rows.length, rowsTotal: all.length };
}

/**
 * Builds every attachment from `view` (what the templates see: `payload.x` is the alert's payload).
 * A path that reaches no list of objects, a value that is no number, a chart limit or a bad day fails
 * the notification for good (`CONFIG_INVALID`), naming the attachment.
 */
export function buildAttachments(list: readonly AttachmentOption[], view: unknown, context: ActionContext): BuiltAttachment[] {
  return list.map((a, i) => {
    const where = `attachments[${i}] ${a.filename}`;
    if (a.chart !== undefined) return chartAttachment(where, a, a.chart, view, context);
    if (a.csv !== undefined) return csvAttachment(where, a, a.csv, view);
    throw new VigilError('INTERNAL', `${where}: neither chart nor csv (the options schema should have refused it)`);
  });
}
