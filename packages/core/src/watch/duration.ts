import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** Milliseconds of a duration written as `500ms`, `10s`, `5m`, `1h` or `2d`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The shortest exact text for a duration in milliseconds (`90000` → `90s`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration field: text in the file, milliseconds after validation; `description` is for editors. */
export function durationSchema(options: { min?: number; max?: number; description?: string } = {}) {
  const { min = 0, max = 366 * UNIT_MS.d } = options;
  const format = 'A duration: a whole number and a unit (ms, s, m, h, d), for example 30s.';
  return z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration: write a whole number and a unit (ms, s, m, h, d), for example 30s` });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `${text} is out of range: must be between ${formatDuration(min)} and ${formatDuration(max)}` });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ description: options.description === undefined ? format : `${options.description} ${format}`, pattern: '^\\d+(ms|s|m|h|d)$' });
}
