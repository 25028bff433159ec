// Text that goes into a chart: made safe for XML, shortened to fit, measured without a font engine.

/** Advance widths (in em) of DejaVu Sans for U+0020..U+007E, read from the font's `hmtx` table. */
const REGULAR = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1, 0.684, 0.686, 0.698, 0.77, 0.632,
  0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685,
  0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579,
  0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];

/** The same for DejaVu Sans Bold. */
const BOLD = [
  0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365, 0.696, 0.696, 0.696,
  0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58, 1, 0.774, 0.762, 0.734, 0.83, 0.683,
  0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771,
  0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665,
  0.343, 1.042, 0.712, 0.687, 0.716, 0.716, 0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
];

/**
 * Characters removed from chart text: C0/C1 controls (most are not even allowed in XML 1.0, escaped
 * or not), the XML non-characters U+FFFE/U+FFFF, and bidirectional controls, with which a label
 * such as `1.2.3.4` could be drawn reversed or reordered to look like another address.
 */
const REMOVED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

/** Data text as it may be drawn: well-formed UTF-16, tabs and line breaks as spaces, controls removed, trimmed. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(/[\t\n\r]/g, ' ').replace(REMOVED, '').trim();
}

/** `text` escaped for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/**
 * The drawn width of `text` in pixels at `size` px, from DejaVu Sans' advance widths (kerning left
 * out). A character outside ASCII counts as 1 em, wider than most glyphs: layout errs on the roomy side.
 */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    em += code >= 0x20 && code <= 0x7e ? (table[code - 0x20] ?? 1) : 1;
  }
  return em * size;
}

/**
 * `text` cut to at most `maxChars` code points and to `maxWidth` pixels at `size`, ending in `…`
 * when anything was cut. Cuts between code points, never inside a surrogate pair.
 */
export function fitText(text: string, maxChars: number, maxWidth: number, size: number, bold = false): string {
  const chars = Array.from(text);
  let keep = Math.min(chars.length, maxChars);
  const cut = (n: number) => (n === chars.length ? text : `${chars.slice(0, n).join('')}…`);
  while (keep > 0 && textWidth(cut(keep), size, bold) > maxWidth) keep -= 1;
  return keep === 0 && chars.length > 0 ? '…' : cut(keep);
}

/**
 * A value as drawn: thousands grouped with `,` and at most two decimals below a billion
 * (`12,345`, `0.5`), three significant digits with an exponent from there (`1.23e+12`), so a huge
 * value cannot widen the chart.
 */
export function formatValue(value: number): string {
  if (Math.abs(value) >= 1e9) return value.toExponential(2);
  const [whole = '0', fraction] = (Math.round(value * 100) / 100).toString().split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
