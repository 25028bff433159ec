import { formatDuration, type StoredWatch } from '@vigil/core';
import { escapeControls } from '../../output.ts';

/**
 * Left-aligned columns separated by two spaces; the first row is the header. Cells hold data from
 * events and services (entities, errors): their control characters are written visibly, so a cell
 * stays on its row and cannot drive the terminal.
 */
export function table(rows: readonly (readonly string[])[]): string[] {
  const cells = rows.map((r) => r.map(escapeControls));
  const widths = cells[0]?.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length))) ?? [];
  return cells.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd());
}

export const dash = (value: string | number | undefined): string => (value === undefined || value === '' ? '-' : String(value));

export function scheduleText(watch: StoredWatch): string {
  const s = watch.definition.schedule;
  if (s.every !== undefined) return `every ${formatDuration(s.every)}`;
  return `cron ${s.cron ?? '?'}${s.timezone === undefined ? '' : ` ${s.timezone}`}`;
}
