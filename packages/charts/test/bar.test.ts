import { describe, expect, it } from '@jest/globals';
import { refusal } from './support/refusal.ts';
import { CHART_LIMITS, barChartPng, barChartSize, barChartSvg, type BarChartRow } from '../src/index.ts';
import { horizontalBars, pixels } from './support/pixels.ts';

const rows: BarChartRow[] = [
  { label: '203.0.113.7', value: 900 },
  { label: '198.51.100.2', value: 300 },
  { label: '192.0.2.44', value: 450 },
  { label: '2001:db8::17', value: 90 },
];
const spec = { title: 'Top source addresses, last 90 days', rows, valueLabel: 'events' };

describe('bar chart PNG', () => {
  it('renders at barChartSize: the default width, height growing with the rows', () => {
    const image = pixels(barChartPng(spec));
    expect({ width: image.width, height: image.height }).toEqual(barChartSize(spec));
    expect(barChartSize(spec).width).toBe(800);
    const more = { ...spec, rows: [...rows, { label: '198.51.100.9', value: 1 }] };
    expect(barChartSize(more).height - barChartSize(spec).height).toBe(24);
    expect(barChartSize({ ...spec, width: 500 }).width).toBe(500);
  });

  it('draws one bar per row, top to bottom in the given order, lengths proportional to the values', () => {
    const bars = horizontalBars(pixels(barChartPng(spec)));
    expect(bars).toHaveLength(rows.length);
    // rows are drawn in order: the first row's band is the top one
    expect(bars.map((b) => b.centre)).toEqual([...bars.map((b) => b.centre)].sort((a, b) => a - b));
    const [top, ...rest] = bars;
    expect(top).toBeDefined();
    for (const bar of rest) expect(bar.length).toBeLessThan(top!.length);
    // every bar starts at the same left edge, after the label column
    expect(new Set(bars.map((b) => b.x)).size).toBe(1);
    rows.forEach((row, i) => expect(Math.abs(bars[i]!.length - (top!.length * row.value) / 900)).toBeLessThanOrEqual(2));
    expect(top!.length).toBeGreaterThan(400);
  });

  it('keeps a tiny value visible and draws no bar for 0', () => {
    const tiny = [{ label: 'a', value: 100_000 }, { label: 'b', value: 1 }, { label: 'c', value: 0 }];
    const bars = horizontalBars(pixels(barChartPng({ title: 't', rows: tiny })));
    expect(bars.map((b) => b.length > 0)).toEqual([true, true]);
    expect(bars[1]!.length).toBe(1);
  });

  it('says "no data" for no rows, in a valid image', () => {
    const empty = { title: 'Top sources', rows: [] };
    expect(barChartSvg(empty)).toContain('>no data</text>');
    const image = pixels(barChartPng(empty));
    expect({ width: image.width, height: image.height }).toEqual(barChartSize(empty));
    expect(horizontalBars(image)).toEqual([]);
  });
});

describe('bar chart SVG', () => {
  it('has the top label first, each value at its bar', () => {
    const svg = barChartSvg(spec);
    const at = rows.map((r) => svg.indexOf(`>${r.label}</text>`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(svg).toContain('>900</text>');
    expect(svg).toContain('>events</text>');
  });

  it('escapes markup in labels, titles and the value label, and drops control and bidi characters', () => {
    const svg = barChartSvg({
      title: '</title><script>alert(1)</script>',
      rows: [{ label: '<script>alert("x")</script>', value: 1 }, { label: '1.2.3.4\u202e\u0007&amp;"\'', value: 2 }],
      valueLabel: '<img src=x onerror=alert(1)>',
    });
    expect(svg).not.toMatch(/<script|<img|<\/title><script/);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('&lt;/title&gt;&lt;script&gt;');
    expect(svg).toContain('1.2.3.4&amp;amp;&quot;&apos;');
    expect(svg).not.toMatch(/[\u202e\u0007]/);
    // still one well-formed document: every element it opens is one of the chart's own
    expect(new Set([...svg.matchAll(/<([a-zA-Z]+)/g)].map((m) => m[1]))).toEqual(new Set(['svg', 'title', 'rect', 'text', 'defs', 'clipPath', 'g']));
  });

  it('cuts a long label to the limit with an ellipsis', () => {
    const label = `${'9'.repeat(200)}`;
    const svg = barChartSvg({ title: 't', rows: [{ label, value: 1 }] });
    const drawn = /<text[^>]*>(9+…)<\/text>/.exec(svg)?.[1];
    expect(drawn).toBeDefined();
    expect(Array.from(drawn!).length).toBeLessThanOrEqual(CHART_LIMITS.maxLabelLength + 1);
  });
});

describe('bar chart limits', () => {
  it(`refuses more than ${CHART_LIMITS.maxBars} bars, naming the limit`, () => {
    const many = Array.from({ length: CHART_LIMITS.maxBars + 1 }, (_, i) => ({ label: `10.0.0.${i}`, value: i }));
    expect(refusal(() => barChartPng({ title: 't', rows: many })).message).toMatch(/101 bars is more than the limit of 100/);
    expect(barChartSize({ title: 't', rows: many.slice(1) }).height).toBeLessThan(3000);
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['not a number', '12' as unknown as number],
  ])('refuses a %s value, naming the row', (_what, value) => {
    const error = refusal(() => barChartSvg({ title: 't', rows: [{ label: 'a', value: 1 }, { label: 'b', value }] }));
    expect(error.message).toMatch(/rows\[1\]\.value must be a finite number/);
  });

  it('refuses a label that is not text and a width out of bounds', () => {
    expect(refusal(() => barChartSvg({ title: 't', rows: [{ label: 7 as unknown as string, value: 1 }] })).message).toMatch(/rows\[0\]\.label must be text/);
    expect(refusal(() => barChartSize({ title: 't', rows, width: 100_000 })).message).toMatch(/width must be a whole number of pixels from 360 to 2000/);
    expect(refusal(() => barChartSize({ title: 't', rows, width: 500.5 })).code).toBe('CONFIG_INVALID');
  });
});
