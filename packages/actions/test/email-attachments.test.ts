import { describe, expect, it } from '@jest/globals';
import { barChartPng, barChartSize } from '@vigil/charts';
import { VigilError } from '@vigil/core';
import { decode } from 'fast-png';
import { emailAction } from '../src/email/index.ts';
import { csvCell, csvDocument } from '../src/email/csv.ts';
import type { ActionResult } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';
import { actionProblems } from './support/validate.ts';

/** Problems `vigil watch validate` would print for an email action with these options (YAML, one per line). */
const problems = (action: string): string[] => actionProblems('mail', 'email', `to: [soc@example.org]\n${action}`);

const BAR = [
  'attachments:',
  '  - filename: top-sources.png',
  '    inline: true',
  "    chart: { type: bar, title: 'Top', rows: payload.last_90d, label: ip, value: count }",
].join('\n');
const CSV = '  - filename: top-sources.csv\n    csv: { rows: payload.last_90d, columns: [ip, count] }';

describe('email attachments options', () => {
  it('accepts a bar chart, a timeline and a CSV, and applies defaults', () => {
    const timeline = "  - filename: daily.png\n    chart: { type: timeline, title: 'Per day', rows: payload.daily, x: day, y: count }";
    expect(problems(`${BAR}\n${timeline}\n${CSV}`)).toEqual([]);
    const chart = { type: 'bar', title: 't', rows: 'payload.rows', label: 'ip', value: 'count' };
    const parsed = emailAction.options.parse({ attachments: [{ filename: 'a.png', chart }] });
    expect(parsed.attachments).toEqual([{ filename: 'a.png', inline: false, chart: { ...chart, limit: 20 } }]);
    expect(emailAction.options.parse({}).attachments).toEqual([]);
  });

  it.each([
    ['an unknown key of an attachment', `${BAR}\n    colour: red`, /attachments\[0\].*colour/],
    [
      'an unknown key of a chart',
      "attachments:\n  - filename: a.png\n    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count, colour: red }",
      /attachments\[0\]\.chart.*colour/,
    ],
    [
      'an unknown chart type',
      "attachments:\n  - filename: a.png\n    chart: { type: pie, title: t, rows: payload.x, label: ip, value: count }",
      /attachments\[0\]\.chart\.type/,
    ],
    [
      'a bar chart without its value field',
      "attachments:\n  - filename: a.png\n    chart: { type: bar, title: t, rows: payload.x, label: ip }",
      /attachments\[0\]\.chart\.value/,
    ],
    [
      'a limit above 100',
      "attachments:\n  - filename: a.png\n    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count, limit: 101 }",
      /attachments\[0\]\.chart\.limit/,
    ],
    [
      'a path to a directory',
      "attachments:\n  - filename: ../etc/passwd.png\n    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count }",
      /attachments\[0\]\.filename: must be a file name/,
    ],
    [
      'a filename with a space',
      "attachments:\n  - filename: 'top sources.csv'\n    csv: { rows: payload.x, columns: [ip] }",
      /attachments\[0\]\.filename: must be a file name/,
    ],
    [
      'a chart not ending in .png',
      "attachments:\n  - filename: top.svg\n    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count }",
      /attachments\[0\]\.filename: a chart is a PNG image/,
    ],
    [
      'a CSV not ending in .csv',
      "attachments:\n  - filename: top.txt\n    csv: { rows: payload.x, columns: [ip] }",
      /attachments\[0\]\.filename: .*must end in \.csv/,
    ],
    [
      'a duplicate filename',
      `${BAR}\n  - filename: Top-Sources.png\n    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count }`,
      /attachments\[1\]\.filename: Top-Sources\.png is already the name/,
    ],
    [
      'both chart and csv',
      'attachments:\n  - filename: a.csv\n    csv: { rows: payload.x, columns: [ip] }\n' +
        '    chart: { type: bar, title: t, rows: payload.x, label: ip, value: count }',
      /exactly one of chart or csv/,
    ],
    ['neither chart nor csv', 'attachments:\n  - filename: a.csv', /exactly one of chart or csv/],
    [
      'an inline CSV',
      "attachments:\n  - filename: a.csv\n    inline: true\n    csv: { rows: payload.x, columns: [ip] }",
      /attachments\[0\]\.inline: only a chart can be inline/,
    ],
    ['a CSV without columns', "attachments:\n  - filename: a.csv\n    csv: { rows: payload.x, columns: [] }", /attachments\[0\]\.csv\.columns/],
    [
      'a malformed rows path',
      "attachments:\n  - filename: a.csv\n    csv: { rows: 'payload..x', columns: [ip] }",
      /attachments\[0\]\.csv\.rows: malformed path/,
    ],
    [
      'a title template syntax error',
      "attachments:\n  - filename: a.png\n    chart: { type: bar, title: '{{#if x}}', rows: payload.x, label: ip, value: count }",
      /attachments\[0\]\.chart\.title/,
    ],
  ])('rejects %s at its file:line', (_what, action, message) => {
    const found = problems(action);
    expect(found).not.toEqual([]);
    expect(found.join('\n')).toMatch(/^watches\/test\/notify\.yaml:\d+: /);
    expect(found.join('\n')).toMatch(message);
  });
});

describe('CSV cells', () => {
  it('quotes as RFC 4180 says and ends every record with CRLF', () => {
    const document = csvDocument(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', 'cr\rhere'], [undefined, null]]);
    expect(document).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak","cr\rhere"\r\n,\r\n');
  });

  it('defuses formulas in text, keeps numbers and booleans as they are, joins lists with ;', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\r=x'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", `"'\r=x"`]);
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect([-3, 12.5, true, false].map(csvCell)).toEqual(['-3', '12.5', 'true', 'false']);
    expect(csvCell(['auth', 'ossec'])).toBe('auth;ossec');
    expect(csvCell(['=cmd', 'x'])).toBe("'=cmd;x");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});

const rows = [
  { ip: '203.0.113.7', count: 900, datasets: ['auth', 'ossec'], blocked: true },
  { ip: '198.51.100.2', count: 300, datasets: ['netfilter'], blocked: false },
  { ip: '=HYPERLINK("http://evil")', count: 5 },
];

function simulate(options: Record<string, unknown>, payload: Record<string, unknown> = { last_90d: rows }): Promise<ActionResult> {
  const ctx = testActionContext({ mode: 'simulate', alert: testAlertView({ payload }) });
  return emailAction.execute(emailAction.options.parse({ to: ['soc@example.org'], ...options }), ctx);
}

const bar = {
  filename: 'top-sources.png',
  inline: true,
  chart: { type: 'bar', title: 'Top {{payload.last_90d.length}} <sources>', rows: 'payload.last_90d', label: 'ip', value: 'count' },
};
const csv = { filename: 'top-sources.csv', csv: { rows: 'payload.last_90d', columns: ['ip', 'count', 'datasets', 'blocked', 'first_seen'] } };

describe('email attachments in simulate mode', () => {
  it('lists each attachment (no bytes) and shows the inline chart after the figures of the default HTML', async () => {
    const result = await simulate({ attachments: [bar, csv], attach_data: true });
    const detail = result.detail as { attachments: Record<string, unknown>[]; html: string };
    const spec = { title: 't', rows: rows.map((r) => ({ label: r.ip, value: r.count })) };
    expect(detail.attachments).toEqual([
      { filename: 'top-sources.png', content_type: 'image/png', size: expect.any(Number), inline: true, rows: 3 },
      { filename: 'top-sources.csv', content_type: 'text/csv; charset=utf-8', size: expect.any(Number), inline: false, rows: 3 },
      { filename: 'alert.json', content_type: 'application/json', size: expect.any(Number), inline: false },
    ]);
    expect(detail.attachments.every((a) => (a.size as number) > 0)).toBe(true);
    expect(JSON.stringify(result.detail)).not.toMatch(/iVBOR|content":/);
    const { width, height } = barChartSize(spec);
    expect(detail.html).toContain(`<img src="cid:top-sources.png" alt="Top 3 &lt;sources&gt;" width="600" height="${Math.round((height * 600) / width)}"`);
    expect(detail.html.indexOf('cid:top-sources.png')).toBeGreaterThan(detail.html.indexOf('Last seen'));
  });

  it('says how many rows there were when limit cut some', async () => {
    const result = await simulate({ attachments: [{ ...bar, chart: { ...bar.chart, limit: 2 } }, { ...csv, csv: { ...csv.csv, limit: 1 } }] });
    expect((result.detail as { attachments: unknown[] }).attachments).toEqual([
      expect.objectContaining({ filename: 'top-sources.png', rows: 2, rows_total: 3 }),
      expect.objectContaining({ filename: 'top-sources.csv', rows: 1, rows_total: 3 }),
    ]);
  });

  it('leaves a custom HTML as it is: it places the images itself', async () => {
    const result = await simulate({ attachments: [bar], html: '<p>see <img src="cid:top-sources.png"></p>' });
    expect((result.detail as { html: string }).html).toBe('<p>see <img src="cid:top-sources.png"></p>');
  });

  it('draws a timeline of daily rows, epoch-millisecond keys included', async () => {
    const daily = [{ day: '2026-11-20', count: 3 }, { day: Date.UTC(2026, 10, 22), count: 5 }, { day: '2026-11-23T00:00:00.000Z', count: 1 }];
    const chart = { type: 'timeline', title: 'Per day', rows: 'payload.daily', x: 'day', y: 'count' };
    const result = await simulate({ attachments: [{ filename: 'daily.png', chart }] }, { daily });
    const listed = (result.detail as { attachments: { size: number; rows: number }[] }).attachments[0];
    expect(listed).toMatchObject({ filename: 'daily.png', inline: false, rows: 3 });
  });

  it.each([
    ['a path that reaches nothing', 'payload.nowhere', /attachments\[0\] top-sources\.png: rows: payload\.nowhere is missing, not a list of objects/],
    ['a path to a number', 'payload.total', /rows: payload\.total is a number, not a list of objects/],
    ['a list of strings', 'payload.ips', /rows: element 0 of payload\.ips is a string, not an object/],
  ])('fails for good, naming the attachment and the path, for %s', async (_what, path, message) => {
    const payload = { total: 3, ips: ['203.0.113.7'] };
    const error = await simulate({ attachments: [{ ...bar, chart: { ...bar.chart, rows: path } }] }, payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).transient).toBe(false);
    expect((error as VigilError).message).toMatch(message);
  });

  it('fails for good on a value that is no number or is negative, naming the attachment', async () => {
    const notNumber = await simulate({ attachments: [bar] }, { last_90d: [{ ip: '203.0.113.7', count: 'many' }] }).catch((e: unknown) => e);
    expect((notNumber as VigilError).message).toMatch(/attachments\[0\] top-sources\.png: payload\.last_90d\[0\]\.count is a string, not a number/);
    const negative = await simulate({ attachments: [bar] }, { last_90d: [{ ip: '203.0.113.7', count: -1 }] }).catch((e: unknown) => e);
    expect(negative).toBeInstanceOf(VigilError);
    expect((negative as VigilError).message).toMatch(/attachments\[0\] top-sources\.png: chart: rows\[0\]\.value must be a finite number ≥ 0/);
  });

  it('reads rows through [] as transform pick does', async () => {
    const payload = { by_source: { buckets: [{ top: { ip: '203.0.113.7', n: 4 } }, { top: { ip: '198.51.100.2', n: 2 } }] } };
    const result = await simulate({ attachments: [{ filename: 'a.csv', csv: { rows: 'payload.by_source.buckets[].top', columns: ['ip', 'n'] } }] }, payload);
    expect((result.detail as { attachments: unknown[] }).attachments).toEqual([expect.objectContaining({ filename: 'a.csv', rows: 2 })]);
  });
});

describe('chart bytes', () => {
  it('are a PNG of the size the chart states', async () => {
    // the listed size is the PNG the chart package draws for the rendered title and the rows
    const result = await simulate({ attachments: [bar] });
    const listed = (result.detail as { attachments: { size: number }[] }).attachments[0]!;
    const png = barChartPng({ title: 'Top 3 <sources>', rows: rows.map((r) => ({ label: r.ip, value: r.count })) });
    expect(listed.size).toBe(png.length);
    const image = decode(png);
    expect({ width: image.width, height: image.height }).toEqual(barChartSize({ title: 'x', rows: rows.map((r) => ({ label: r.ip, value: r.count })) }));
  });
});
