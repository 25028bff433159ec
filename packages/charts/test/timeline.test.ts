import { describe, expect, it } from '@jest/globals';
import { refusal } from './support/refusal.ts';
import { CHART_LIMITS, timelinePng, timelineSize, timelineSvg, type TimelinePoint } from '../src/index.ts';
import { anyBar, pixels, runs, type Pixels } from './support/pixels.ts';

/** Day `i` after 2026-09-01. */
const day = (i: number) => new Date(Date.UTC(2026, 8, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** The columns of a timeline: runs of the bar colour along the row just above the axis, with their heights. */
function columns(p: Pixels): { x: number; width: number; height: number }[] {
  const hasBar = (y: number) => Array.from({ length: p.width }, (_, x) => x).some((x) => p.isBar(x, y));
  const baseline = Math.max(...Array.from({ length: p.height }, (_, y) => y).filter(hasBar));
  return runs(p.width, (x) => p.isBar(x, baseline)).map(([start, end]) => {
    let top = baseline;
    while (top > 0 && p.isBar(start, top - 1)) top -= 1;
    return { x: start, width: end - start, height: baseline - top + 1 };
  });
}

describe('timeline', () => {
  // 2026-09-03 is missing: drawn as a 0 column, a gap one day wide
  const points: TimelinePoint[] = [
    { day: day(3), value: 400 },
    { day: day(0), value: 100 },
    { day: day(1), value: 200 },
    { day: day(4), value: 50 },
  ];
  const spec = { title: 'Events per day', points, valueLabel: 'events' };

  it('renders at timelineSize, default 800 × 300', () => {
    const image = pixels(timelinePng(spec));
    expect({ width: image.width, height: image.height }).toEqual(timelineSize(spec));
    expect(timelineSize(spec)).toEqual({ width: 800, height: 300 });
    expect(timelineSize({ ...spec, height: 200, width: 400 })).toEqual({ width: 400, height: 200 });
  });

  it('draws one column per day from first to last, a missing day as 0, heights proportional to the values', () => {
    const found = columns(pixels(timelinePng(spec)));
    expect(found).toHaveLength(4);
    const pitch = found[1]!.x - found[0]!.x;
    // day 2 has no column: the next one is two pitches further
    expect(found.map((c) => (c.x - found[0]!.x) / pitch)).toEqual([0, 1, 3, 4]);
    const tallest = found[2]!.height;
    expect(tallest).toBeGreaterThan(150);
    [100, 200, 400, 50].forEach((value, i) => expect(Math.abs(found[i]!.height - (tallest * value) / 400)).toBeLessThanOrEqual(2));
  });

  it('labels the axis with 0 and the maximum and ticks dates', () => {
    const svg = timelineSvg(spec);
    expect(svg).toContain('>400</text>');
    expect(svg).toContain('>0</text>');
    expect(svg).toContain(`>${day(0)}</text>`);
    expect(svg).toContain('>events</text>');
  });

  it('grows wider, not thinner than 2 px a day, for a long span', () => {
    const year = Array.from({ length: CHART_LIMITS.maxDays }, (_, i) => ({ day: day(i), value: i + 1 }));
    const size = timelineSize({ title: 't', points: year, width: 360 });
    expect(size.width).toBeGreaterThanOrEqual(2 * CHART_LIMITS.maxDays);
    const image = pixels(timelinePng({ title: 't', points: year, width: 360 }));
    expect({ width: image.width, height: image.height }).toEqual(size);
    expect(columns(image)).toHaveLength(CHART_LIMITS.maxDays);
  });

  it('says "no data" without points', () => {
    const empty = { title: 'Events per day', points: [] };
    expect(timelineSvg(empty)).toContain('>no data</text>');
    const image = pixels(timelinePng(empty));
    expect({ width: image.width, height: image.height }).toEqual({ width: 800, height: 300 });
    expect(anyBar(image)).toBe(false);
  });

  it('refuses a span or a number of points beyond the limit, naming it', () => {
    const wide = [{ day: day(0), value: 1 }, { day: day(400), value: 1 }];
    expect(refusal(() => timelineSvg({ title: 't', points: wide })).message).toMatch(/401 days .* limit of 400/);
    const many = Array.from({ length: 401 }, (_, i) => ({ day: day(i), value: 1 }));
    expect(refusal(() => timelineSize({ title: 't', points: many })).message).toMatch(/401 points is more than the limit of 400/);
  });

  it.each([
    ['a malformed day', { day: '2026-9-1', value: 1 }, /points\[0\]\.day must be a day as YYYY-MM-DD/],
    ['a day that does not exist', { day: '2026-02-30', value: 1 }, /points\[0\]\.day must be a day/],
    ['a negative value', { day: day(0), value: -3 }, /points\[0\]\.value must be a finite number ≥ 0/],
    ['an infinite value', { day: day(0), value: Number.POSITIVE_INFINITY }, /points\[0\]\.value must be a finite number/],
  ])('refuses %s', (_what, point, message) => {
    expect(refusal(() => timelineSvg({ title: 't', points: [point] })).message).toMatch(message);
  });

  it('refuses a day given twice', () => {
    const twice = [{ day: day(1), value: 1 }, { day: day(1), value: 2 }];
    expect(refusal(() => timelineSvg({ title: 't', points: twice })).message).toMatch(/points\[1\]\.day: 2026-09-02 appears more than once/);
  });

  it('escapes the title', () => {
    const svg = timelineSvg({ title: '<script>alert(1)</script>', points });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
