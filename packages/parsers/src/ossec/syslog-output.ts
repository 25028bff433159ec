import type { ParseContext, ParseFailure } from '../types.ts';
import { syslogParser } from '../syslog/index.ts';
import { locationParts, splitGroups, type OssecAlert } from './fields.ts';

const OPTIONAL = ['classification', 'srcip', 'dstip', 'srcport', 'dstport', 'user'] as const;

/**
 * OSSEC's `syslog_output` default format, usually behind a syslog header:
 *
 *     <132>Jul  8 10:58:09 server ossec: Alert Level: 3; Rule: 5501 - Login session opened.;
 *       Location: server->/var/log/secure; classification:  pam,syslog,; srcip: 1.2.3.4; user: root; <log line>
 *
 * `;` occurs inside rule descriptions and log lines, so the text is read key by key in the order
 * OSSEC writes them, never split on `;`.
 */
export function parseSyslogOutput(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  const start = record.indexOf('Alert Level: ');
  if (start === -1) return { failure: 'no "Alert Level:" in the line' };
  const header = start > 0 ? syslogParser.parse(record, ctx) : undefined;
  const timestamp = header !== undefined && !('failure' in header) ? header['@timestamp'] : ctx.now.toISOString();
  const hostname = header !== undefined && !('failure' in header) ? header.host?.hostname : undefined;

  let text = record.slice(start + 'Alert Level: '.length);
  const levelEnd = text.indexOf('; Rule: ');
  const level = Number(text.slice(0, levelEnd));
  if (levelEnd === -1 || !Number.isInteger(level)) return { failure: 'syslog_output without "Alert Level: N; Rule: "' };
  text = text.slice(levelEnd + '; Rule: '.length);
  const dash = text.indexOf(' - ');
  const ruleId = text.slice(0, dash);
  if (dash === -1 || !/^\d+$/.test(ruleId)) return { failure: 'syslog_output without "Rule: N - description"' };
  const locationAt = text.indexOf('; Location: ', dash);
  if (locationAt === -1) return { failure: 'syslog_output without "; Location: "' };
  const description = text.slice(dash + 3, locationAt);
  text = text.slice(locationAt + '; Location: '.length);
  let cut = text.indexOf('; ');
  const location = cut === -1 ? text : text.slice(0, cut);
  text = cut === -1 ? '' : text.slice(cut + 2);

  const alert: OssecAlert = { timestamp, level, ruleId, description, groups: [], location, ...locationParts(location), product: 'ossec' };
  if (hostname !== undefined && alert.hostname === undefined) alert.hostname = hostname;
  for (const key of OPTIONAL) {
    if (!text.startsWith(`${key}: `)) continue;
    cut = text.indexOf('; ');
    const value = (cut === -1 ? text : text.slice(0, cut)).slice(key.length + 2).trim();
    text = cut === -1 ? '' : text.slice(cut + 2);
    if (key === 'classification') alert.groups = splitGroups(value);
    else if (key === 'srcip') alert.srcIp = value;
    else if (key === 'dstip') alert.dstIp = value;
    else if (key === 'srcport') alert.srcPort = Number(value);
    else if (key === 'user') alert.user = value;
  }
  if (text !== '') alert.log = text;
  return alert;
}
