// CSV for people who open it in a spreadsheet: RFC 4180, and no cell that a spreadsheet would run.

/**
 * Text a spreadsheet reads as a formula (or, with TAB and CR, as the start of one after its own
 * trimming): `=`, `+`, `-`, `@`. Cells hold attacker data (user names, URLs), so such a cell gets a
 * leading `'`, which spreadsheets show as text and do not evaluate (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A value as cell text: nothing for null or missing, a list joined with `;`, an object as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === 'object' ? JSON.stringify(item) : cellText(item))).join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * One cell: formula-protected (a JSON number or boolean is data the spreadsheet cannot misread:
 * `-3` stays a number), then quoted when it holds `"`, `,`, CR or LF, with `"` doubled.
 */
export function csvCell(value: unknown): string {
  const text = cellText(value);
  const safe = typeof value !== 'number' && typeof value !== 'boolean' && FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV document (RFC 4180): the header row, then one record per row, each line ended by CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((record) => `${record.map(csvCell).join(',')}\r\n`).join('');
}
