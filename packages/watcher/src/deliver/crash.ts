import { existsSync, writeFileSync } from 'node:fs';

/** The points where the fault tests kill a worker, in the order a notification passes them. */
export type CrashPoint = 'after_state_write' | 'during_send' | 'after_send';

/**
 * A test-only hook: when `VIGIL_TEST_CRASH_AT` names this point, the process kills itself with
 * SIGKILL here, once per marker file (`VIGIL_TEST_CRASH_MARKER`, created just before), so the fault
 * tests can prove that a crash at each point neither loses nor doubles a notification. Inert unless
 * both variables are set.
 */
export function crashPoint(point: CrashPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.VIGIL_TEST_CRASH_AT !== point) return;
  const marker = env.VIGIL_TEST_CRASH_MARKER;
  if (marker === undefined || marker === '' || existsSync(marker)) return;
  writeFileSync(marker, `${point} ${process.pid}\n`);
  process.kill(process.pid, 'SIGKILL');
}
