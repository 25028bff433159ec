import type { ParseContext, ParseFailure } from '../types.ts';
import { readDescription, titleOf } from './description.ts';
import { auditOf, type WinEvent } from './event.ts';
import { ossecDateBefore } from './time.ts';

export const WINEVTLOG = 'WinEvtLog: ';
const DATE = '\\d{4} [A-Z][a-z]{2} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d ';
/**
 * What may precede `WinEvtLog: `: nothing, the agent's date, or ossec-logtest's `date (agent) ip->WinEvtLog `
 * before it. Anything else (a syslog line whose attacker-chosen text spells a Windows event) is refused.
 */
const PREFIX = new RegExp(`^(?:${DATE}(?:\\([^)]{1,100}\\) )?\\S{1,200}->WinEvtLog )?(?:${DATE})?$`);

/** True when `record` is a WinEvtLog line: `WinEvtLog: ` preceded by nothing but the agent's date (and location). */
export function isWinEvtLog(record: string): boolean {
  const at = record.indexOf(WINEVTLOG);
  return at !== -1 && at <= 400 && PREFIX.test(record.slice(0, at));
}
/** `Security: AUDIT_FAILURE(4625): provider: user: domain: computer: ` after `WinEvtLog: `. */
const HEAD = /^([^:]{1,100}): ([A-Z_]{1,30})\((\d{1,5})\): ([^:]{1,200}): ([^:]{0,200}): ([^:]{0,200}): ([^:]{1,255}): /;

/**
 * The legacy one-line form OSSEC/Wazuh agents write for the Windows event log, often behind the
 * agent's date (and, in ossec-logtest, the manager's location):
 *
 *     2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing:
 *       (no user): no domain: WIN-1: An account failed to log on. Subject: Security ID: S-1-5-10 ...
 *
 * The description is flattened onto the line, so each value ends where the next known label starts.
 * Without a date the event gets `ctx.now`.
 */
export function fromWinEvtLog(record: string, ctx: ParseContext): WinEvent | ParseFailure {
  const at = record.indexOf(WINEVTLOG);
  if (!isWinEvtLog(record)) return { failure: 'not a WinEvtLog line: "WinEvtLog: " must come first, or after the agent\'s date' };
  const m = HEAD.exec(record.slice(at + WINEVTLOG.length));
  if (m === null) return { failure: 'not a "WinEvtLog: channel: AUDIT_X(id): provider: user: domain: computer: description" line' };
  const eventId = m[3] as string;
  const description = record.slice(at + WINEVTLOG.length + m[0].length);
  const event: WinEvent = {
    format: 'winevtlog',
    timestamp: ossecDateBefore(record.slice(0, at), ctx) ?? ctx.now.toISOString(),
    eventId,
    channel: m[1] as string,
    provider: m[4] as string,
    computer: m[7] as string,
    data: readDescription(description, eventId),
  };
  const audit = auditOf(m[2]);
  if (audit !== undefined) event.audit = audit;
  const title = titleOf(description);
  if (title !== undefined) event.title = title;
  return event;
}
