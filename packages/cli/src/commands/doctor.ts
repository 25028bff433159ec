import type { VigilConfig } from '@vigil/core';
import { exitCode, formatResult, runChecks } from '../doctor/index.ts';
import type { Output } from '../output.ts';

/** `vigil doctor`: one line per check, exit 1 when a required service fails. */
export async function doctorCommand(config: VigilConfig, out: Output, options: { json?: boolean }): Promise<number> {
  const results = await runChecks(config);
  if (options.json === true) out.log(JSON.stringify({ ok: exitCode(results) === 0, checks: results }, null, 2));
  else for (const r of results) out.log(formatResult(r));
  return exitCode(results);
}
