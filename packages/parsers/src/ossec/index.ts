import { startLineFramer } from '../framing.ts';
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { parseAlertsLog } from './alerts-log.ts';
import { alertToEcs, type OssecAlert } from './fields.ts';
import { parseJsonAlert } from './json.ts';
import { parseSyslogOutput } from './syslog-output.ts';

const startsRecord = (line: string) => line.startsWith('** Alert ');

function shape(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  if (startsRecord(record)) return parseAlertsLog(record, ctx);
  if (record.trimStart().startsWith('{')) return parseJsonAlert(record);
  if (record.includes('Alert Level: ')) return parseSyslogOutput(record, ctx);
  return { failure: 'not an OSSEC/Wazuh alert (alerts.log block, syslog_output line or JSON)' };
}

/**
 * OSSEC and Wazuh alerts (seeds 002 and 004): multi-line `alerts.log` blocks, the `syslog_output`
 * default format, and JSON alerts, detected per record. Each alert is one event of kind `alert`.
 */
export const ossecParser: LogParser = {
  source: 'ossec',
  dataset: 'ossec',
  description: 'OSSEC/Wazuh alerts: alerts.log blocks, syslog_output lines, alerts.json',
  framer: () => startLineFramer(startsRecord, { dropBlank: true }),
  startsRecord,
  detect: (record) => startsRecord(record) || record.includes('Alert Level: ') || (record.startsWith('{') && record.includes('"rule"')),
  parse(record, ctx): ParsedFields | ParseFailure {
    const alert = shape(record, ctx);
    return 'failure' in alert ? alert : alertToEcs(alert);
  },
};
