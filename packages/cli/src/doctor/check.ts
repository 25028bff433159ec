/** The outcome of one doctor check. `fail` on a required service makes `vigil doctor` exit non-zero. */
export interface CheckResult {
  /** What was checked, short: `elasticsearch`, `redis policy`. */
  name: string;
  status: 'ok' | 'warn' | 'fail';
  /** What was found, one line. */
  summary: string;
  /** What to do about a warn or fail, one line. */
  fix?: string;
}

export const ok = (name: string, summary: string): CheckResult => ({ name, status: 'ok', summary });
export const warn = (name: string, summary: string, fix: string): CheckResult => ({ name, status: 'warn', summary, fix });
export const fail = (name: string, summary: string, fix: string): CheckResult => ({ name, status: 'fail', summary, fix });

/** The first line of an error's message, for one-line reports. */
export function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? text).trim();
}
