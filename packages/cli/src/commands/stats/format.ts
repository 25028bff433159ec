/** Text tables and CSV for the statistics commands. */
import { escapeControls } from '../../output.ts';

/**
 * Columns separated by two spaces, the first row the header; columns named in `right` are
 * right-aligned (counts), the others left-aligned.
 */
export function alignedTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  // attacker data (user names, actions) printed as is could split a row or move the cursor
  const safe = rows.map((r) => r.map((cell) => escapeControls(cell)));
  const widths = safe[0]?.map((_, c) => Math.max(...safe.map((r) => (r[c] ?? '').length))) ?? [];
  return safe.map((r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c] ?? 0) : c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection: `= + - @`, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): a cell a spreadsheet would take for a formula gets a leading `'`, and a
 * cell with a comma, quote or line break is quoted with inner quotes doubled.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV records, each ending with `\r` so that a line written by `Output.log` ends with CRLF, as
 * RFC 4180 terminates records.
 */
export function csvLines(rows: readonly (readonly (string | number)[])[]): string[] {
  return rows.map((r) => `${r.map(csvCell).join(',')}\r`);
}
