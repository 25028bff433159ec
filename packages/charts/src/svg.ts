import { CHART_LIMITS } from './spec.ts';
import { FONT_FAMILY } from './render.ts';
import { cleanText, escapeXml, fitText } from './text.ts';

// SVG pieces shared by the charts. Every number is rounded to whole pixels so that edges are crisp
// and a bar's length can be measured in the decoded PNG.

export const TEXT_COLOUR = '#1f2328';
export const MUTED_COLOUR = '#59636e';
export const AXIS_COLOUR = '#d0d7de';
export const PAD = 16;
export const TITLE_SIZE = 16;

/** `<text>` with escaped content; `attributes` are Vigil's own (numbers and constants only). */
export function text(x: number, y: number, content: string, attributes: Record<string, string | number> = {}): string {
  const extra = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${Math.round(x)}" y="${Math.round(y)}"${extra}>${escapeXml(content)}</text>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string): string {
  return `<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${fill}"/>`;
}

/** The title as drawn: cleaned, cut to the limit and to the image width. */
export function titleText(title: string, width: number): string {
  return fitText(cleanText(title), CHART_LIMITS.maxTitleLength, width - 2 * PAD, TITLE_SIZE, true);
}

/** The document: size, white background, an accessible `<title>`, the title line, then `body`. */
export function document(width: number, height: number, title: string, body: string[]): string {
  const drawn = titleText(title, width);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="${FONT_FAMILY}" shape-rendering="crispEdges">`,
    `<title>${escapeXml(drawn)}</title>`,
    rect(0, 0, width, height, '#ffffff'),
    text(PAD, 30, drawn, { 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: TEXT_COLOUR }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
