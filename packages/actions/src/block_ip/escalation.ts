import type { ResponderDispatch } from '../types.ts';

/** One earlier block as {@link ResponderDispatch.previousBlocks} returns it. */
export type PreviousBlock = Awaited<ReturnType<ResponderDispatch['previousBlocks']>>[number];

/** Where on the ladder a block lands. */
export interface Escalation {
  /** 0 for a first offence; capped at the ladder's last step. */
  step: number;
  duration_ms: number;
  /** Earlier blocks of the address that counted. */
  previous: number;
}

/**
 * The offence window of a decision: earlier blocks count when requested in `[offence − lookback,
 * offence)`, where `offence` is the end of the alert's window. Blocks requested after it are this
 * decision's own requests (a retried delivery) or later decisions: neither is an earlier offence,
 * so a retry, even hours later, lands on the same step.
 */
export function offenceWindow(windowEnd: string, lookbackMs: number): { since: string; before: string } {
  return { since: new Date(Date.parse(windowEnd) - lookbackMs).toISOString(), before: windowEnd };
}

/** The step and duration for an address with these earlier blocks (`ladder` = `[duration, ...repeated_offenders]`). */
export function escalate(ladder: readonly number[], previous: readonly PreviousBlock[], window: { since: string; before: string }): Escalation {
  const since = Date.parse(window.since);
  const before = Date.parse(window.before);
  const counted = previous.filter((b) => {
    const at = Date.parse(b.requested);
    return at >= since && at < before;
  }).length;
  const step = Math.min(counted, ladder.length - 1);
  return { step, duration_ms: ladder[step]!, previous: counted };
}
