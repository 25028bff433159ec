import { blockFramer } from '../framing.ts';
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import type { OssecAlert } from './alert.ts';
import { parseAlertsLog } from './alerts-log.ts';
import { alertsLogBlock, startsAlertBlock as startsRecord } from './block.ts';
import { alertToEcs } from './ecs.ts';
import { parseJsonAlert } from './json.ts';
import { isSyslogOutput, MARKER, parseSyslogOutput } from './syslog-output.ts';

/** A JSON object that names a rule: `{"rule":...` (OSSEC, Wazuh) or with `"rule":` further in. */
const looksJson = (record: string): boolean => record.trimStart().startsWith('{') && record.includes('"rule"');
/** Detection checks the header's shape only; the time it reads on the way is discarded. */
const DETECT_CTX: ParseContext = { timezone: 'UTC', now: new Date(0) };

function shape(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  if (startsRecord(record)) return parseAlertsLog(record, ctx);
  if (record.trimStart().startsWith('{')) return parseJsonAlert(record);
  if (record.includes(MARKER)) return parseSyslogOutput(record, ctx);
  return { failure: 'not an OSSEC/Wazuh alert (an alerts.log block, a syslog_output line or a JSON alert)' };
}

/**
 * OSSEC and Wazuh alerts (seeds 002 and 004), the format detected per record; each alert is one
 * event of `event.kind: alert` in the `ossec` dataset:
 *
 * | format | record | time |
 * |---|---|---|
 * | `alerts.log` | a block from `** Alert <sec>.<id>:` to the blank line, within the record bounds (framed: {@link alertsLogBlock}) | the block's `YYYY Mon DD HH:MM:SS`, local in `ctx.timezone` |
 * | `syslog_output` (default format) | one line, `[<PRI>]Mmm dd HH:MM:SS host ossec: Alert Level: N; Rule: ...` | the syslog header's, local in `ctx.timezone`; `ctx.now` without one |
 * | JSON (`alerts.json`: OSSEC native, Wazuh, integratord) | one line | its own `timestamp` / `TimeStamp` |
 *
 * Fields: see {@link alertToEcs}. Anything else, broken JSON included, is a failure with the reason.
 */
export const ossecParser: LogParser = {
  source: 'ossec',
  dataset: 'ossec',
  description: 'OSSEC/Wazuh alerts: alerts.log blocks, syslog_output lines, alerts.json (OSSEC and Wazuh)',
  framer: (bounds) => blockFramer([alertsLogBlock], { dropBlank: true, bounds }),
  startsRecord,
  block: alertsLogBlock,
  detect: (record) => startsRecord(record) || looksJson(record) || isSyslogOutput(record, DETECT_CTX),
  parse(record, ctx): ParsedFields | ParseFailure {
    const alert = shape(record, ctx);
    return 'failure' in alert ? alert : alertToEcs(alert);
  },
};
