import { VigilError } from '@vigil/core';

/**
 * Polls `check` every `intervalMs` until it returns true; fails naming `what` after `timeoutMs`. A
 * check that throws a transient {@link VigilError} counts as "not yet": a daily index the code under
 * test has just created answers 503 (no shard available) until its shard starts, which is no test
 * failure. Any other error fails at once; at the timeout the last transient error is named.
 */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: VigilError | undefined;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (!(error instanceof VigilError && error.transient)) throw error;
      lastError = error;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : ` (last: ${lastError.message})`}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** {@link until} for a condition that needs no name, polled every 50 ms. */
export function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, intervalMs = 50): Promise<void> {
  return until('the condition', check, timeoutMs, intervalMs);
}
