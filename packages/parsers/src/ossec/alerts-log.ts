import type { ParseContext, ParseFailure } from '../types.ts';
import { monthNumber, zonedToEpochMs } from '../time.ts';
import { locationParts, splitGroups, type OssecAlert } from './fields.ts';

const HEADER = /^\*\* Alert (\d+\.\d+):(?: ?mail)? *- *(.*)$/;
const WHEN = /^(\d{4}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (.*)$/;
const RULE = /^Rule: (\d+) \(level (\d+)\) -> '(.*)'$/;

const KEYS: Record<string, (a: OssecAlert, v: string) => void> = {
  'Src IP': (a, v) => (a.srcIp = v),
  'Src Port': (a, v) => (a.srcPort = Number(v)),
  'Dst IP': (a, v) => (a.dstIp = v),
  User: (a, v) => (a.user = v),
};

/**
 * An `alerts.log` block:
 *
 *     ** Alert 1443175627.1028: mail  - syslog,fts,authentication_success
 *     2015 Sep 25 06:07:07 (i7dev) 10.0.0.4->/var/log/auth.log
 *     Rule: 10100 (level 4) -> 'First time user logged in.'
 *     Src IP: 10.0.0.2
 *     User: phirelight
 *     Sep 25 06:07:06 i7dev sshd[17673]: Accepted publickey for phirelight from 10.0.0.2 ...
 *
 * The date line is local time of the OSSEC server (`ctx.timezone`).
 */
export function parseAlertsLog(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  const lines = record.split('\n');
  const header = HEADER.exec(lines[0] ?? '');
  if (header === null) return { failure: 'not an alerts.log block (expected "** Alert <id>:")' };
  const when = WHEN.exec(lines[1] ?? '');
  const month = when === null ? undefined : monthNumber(when[2] as string);
  if (when === null || month === undefined) return { failure: 'alerts.log block without its "YYYY Mon DD HH:MM:SS location" line' };
  const rule = RULE.exec(lines[2] ?? '');
  if (rule === null) return { failure: 'alerts.log block without its "Rule: N (level L) -> \'...\'" line' };
  const location = when[7] as string;
  const ms = zonedToEpochMs(Number(when[1]), month, Number(when[3]), Number(when[4]), Number(when[5]), Number(when[6]), 0, ctx.timezone);
  const alert: OssecAlert = {
    timestamp: new Date(ms).toISOString(),
    level: Number(rule[2]),
    ruleId: rule[1] as string,
    description: rule[3] as string,
    groups: splitGroups(header[2] as string),
    alertId: header[1] as string,
    location,
    ...locationParts(location),
    product: 'ossec',
  };
  let i = 3;
  for (; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const colon = line.indexOf(': ');
    const set = colon > 0 ? KEYS[line.slice(0, colon)] : undefined;
    if (set === undefined) break;
    set(alert, line.slice(colon + 2).trim());
  }
  const log = lines.slice(i).join('\n');
  if (log !== '') alert.log = log;
  return alert;
}
