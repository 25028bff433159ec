import type { VigilConfig } from '@vigil/core';
import type { CheckResult } from './check.ts';
import { checkElasticsearch } from './elasticsearch.ts';
import { checkRedis } from './redis.ts';
import { checkSmtp } from './smtp.ts';

export type { CheckResult } from './check.ts';

/** Every check, services in parallel, results in a stable order. */
export async function runChecks(config: VigilConfig): Promise<CheckResult[]> {
  const groups = await Promise.all([checkElasticsearch(config), checkRedis(config), checkSmtp(config)]);
  return groups.flat();
}

/** Exit code: 1 when any check failed (every service Vigil talks to is required), else 0. */
export function exitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check: `ok   redis          7.0.15 at redis://127.0.0.1:6379`; warn and fail end with the fix. */
export function formatResult(r: CheckResult): string {
  const line = `${MARK[r.status]} ${r.name.padEnd(14)} ${r.summary}`;
  return r.fix === undefined ? line : `${line} -- fix: ${r.fix}`;
}
