const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `90s`, `10m`, `12h`, `30d` into milliseconds; undefined when it is not one of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9]\d{0,9})(ms|s|m|h|d)$/.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}
