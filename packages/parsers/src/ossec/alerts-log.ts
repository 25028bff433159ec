import type { ParseContext, ParseFailure } from '../types.ts';
import { locationParts, put, splitGroups, type OssecAlert } from './alert.ts';
import { alertDate } from './when.ts';

const ALERT_ID = /^\d+\.\d+$/;
const RULE = /^Rule: (\d+) \(level (\d+)\) -> '(.*)'$/;
/** The lines OSSEC/Wazuh may write between the rule and the log, in the order they write them. */
const KEYS = ['Src IP', 'Src Location', 'Src Port', 'Dst IP', 'Dst Location', 'Dst Port', 'User'] as const;
/** Label lines (`key: value`) may sit between the date line and the rule; never more than a few. */
export const MAX_LABEL_LINES = 32;

/** `** Alert 1443175627.1028: mail  - syslog,fts,authentication_success`: the id and the groups. */
export function readHeader(line: string): { alertId: string; groups: string[] } | undefined {
  const colon = line.indexOf(':', 9);
  const dash = line.indexOf('- ', colon);
  if (colon === -1 || dash === -1) return undefined;
  const alertId = line.slice(9, colon);
  const between = line.slice(colon + 1, dash).trim(); // "" or "mail"
  if (!ALERT_ID.test(alertId) || (between !== '' && between !== 'mail')) return undefined;
  return { alertId, groups: splitGroups(line.slice(dash + 2)) };
}

/** Index of the `Rule:` line after the date line, past any label lines. */
function ruleLine(lines: string[]): number {
  const last = Math.min(lines.length, 2 + MAX_LABEL_LINES);
  for (let i = 2; i < last; i += 1) if ((lines[i] as string).startsWith('Rule: ')) return i;
  return -1;
}

/**
 * The `key: value` lines between the date line and the rule (Wazuh agent labels), kept as written:
 * label keys are free text (`aws.instance`), and as field names they could clash in the index mapping.
 */
function labels(lines: string[], from: number, to: number): string[] | undefined {
  const out = lines.slice(from, to).filter((l) => l.trim() !== '');
  return out.length === 0 ? undefined : out;
}

/** Reads the `Src IP:`...`User:` lines from `i` into `alert`, in OSSEC's order; returns the first line of the log. */
function readKeys(lines: string[], i: number, alert: OssecAlert): number {
  let k = 0;
  for (; i < lines.length; i += 1) {
    const line = lines[i] as string;
    while (k < KEYS.length && !line.startsWith(`${KEYS[k]}: `)) k += 1;
    if (k === KEYS.length) break;
    const key = KEYS[k] as (typeof KEYS)[number];
    const value = line.slice(key.length + 2).trim();
    if (key === 'Src IP') put(alert, 'srcIp', value);
    else if (key === 'Src Port') put(alert, 'srcPort', value);
    else if (key === 'Dst IP') put(alert, 'dstIp', value);
    else if (key === 'Dst Port') put(alert, 'dstPort', value);
    else if (key === 'User') put(alert, 'dstUser', value);
    else alert.extra[key === 'Src Location' ? 'src_location' : 'dst_location'] = value;
    k += 1;
  }
  return i;
}

/**
 * One `alerts.log` block (the framer joins its lines with `\n`):
 *
 *     ** Alert 1443175627.1028: mail  - syslog,fts,authentication_success
 *     2015 Sep 25 06:07:07 (i7dev) 10.0.0.4->/var/log/auth.log
 *     Rule: 10100 (level 4) -> 'First time user logged in.'
 *     Src IP: 10.0.0.2
 *     User: phirelight
 *     Sep 25 06:07:06 i7dev sshd[17673]: Accepted publickey for phirelight from 10.0.0.2 port 44857 ssh2
 *
 * The date line is the server's local time (`ctx.timezone`). `User:` is OSSEC's dstuser. Every line
 * after the known keys is the log (Wazuh also writes decoded fields and previous events there).
 */
export function parseAlertsLog(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  const lines = record.split('\n');
  const header = readHeader(lines[0] ?? '');
  if (header === undefined) return { failure: 'alerts.log block without a valid "** Alert <sec>.<id>: [mail] - <groups>" line' };
  const date = alertDate(lines[1] ?? '', ctx.timezone);
  const location = date === undefined ? '' : (lines[1] as string).slice(date.end);
  if (date === undefined || location === '') return { failure: 'alerts.log block without its "YYYY Mon DD HH:MM:SS location" line' };
  const r = ruleLine(lines);
  const rule = r === -1 ? null : RULE.exec(lines[r] as string);
  if (rule === null) return { failure: 'alerts.log block without its "Rule: N (level L) -> \'description\'" line' };
  const alert: OssecAlert = {
    format: 'alerts_log',
    product: 'ossec',
    timestamp: date.iso,
    level: Number(rule[2]),
    ruleId: rule[1] as string,
    description: rule[3] as string,
    groups: header.groups,
    alertId: header.alertId,
    location,
    ...locationParts(location),
    extra: {},
  };
  const labelLines = labels(lines, 2, r);
  if (labelLines !== undefined) alert.extra.labels = labelLines;
  const logAt = readKeys(lines, r + 1, alert);
  put(alert, 'log', lines.slice(logAt).join('\n'));
  return alert;
}
