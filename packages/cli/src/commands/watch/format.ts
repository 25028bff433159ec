import { formatDuration, type StoredWatch } from '@vigil/core';

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd());
}

export const dash = (value: string | number | undefined): string => (value === undefined || value === '' ? '-' : String(value));

export function scheduleText(watch: StoredWatch): string {
  const s = watch.definition.schedule;
  if (s.every !== undefined) return `every ${formatDuration(s.every)}`;
  return `cron ${s.cron ?? '?'}${s.timezone === undefined ? '' : ` ${s.timezone}`}`;
}
