import type { ParseContext, ParseFailure } from '../types.ts';
import { locationParts, put, splitGroups, type OssecAlert } from './alert.ts';
import { syslogDate } from './when.ts';

export const MARKER = 'Alert Level: ';

/** The optional `key: value;` items OSSEC/Wazuh csyslogd write after the location, in their order. */
const ITEMS = ['classification', 'srcip', 'srccity', 'dstcity', 'dstip', 'srcport', 'dstport', 'user', 'Previous MD5', 'Current MD5', 'Previous SHA1', 'Current SHA1'] as const;
type Item = (typeof ITEMS)[number];

/** `ossec:`, `ossec-csyslogd[123]:`, `wazuh:` — the program tag that ends the header. */
const TAG = /^[\w./-]{1,64}(?:\[\d{1,10}\])?:$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S{0,30}$/;

/** The header's time: RFC 3164 (year inferred, `ctx.timezone`) or RFC 3339; the rest of the header. */
function readTime(text: string, ctx: ParseContext): { iso?: string; rest: string } {
  const rfc3164 = syslogDate(text, ctx.timezone, ctx.now);
  if (rfc3164 !== undefined) return { iso: rfc3164.iso, rest: text.slice(rfc3164.end) };
  const space = text.indexOf(' ');
  const token = space === -1 ? '' : text.slice(0, space);
  const ms = RFC3339.test(token) ? Date.parse(token) : Number.NaN;
  return Number.isNaN(ms) ? { rest: text } : { iso: new Date(ms).toISOString(), rest: text.slice(space + 1) };
}

/**
 * The syslog header before `Alert Level:` — `<132>Jul  8 10:58:09 ossec-server ossec: ` — or nothing:
 * PRI, time and host are optional, the program tag is required when anything is there. Undefined when
 * the text before `Alert Level:` is anything else, such as an sshd line whose attacker-chosen user name
 * spells an alert: those must not become alerts. Without a readable time the alert gets `ctx.now`.
 */
function readHeader(header: string, ctx: ParseContext): { timestamp: string; host?: string } | undefined {
  let text = header;
  if (text.startsWith('<')) {
    const close = text.indexOf('>');
    if (close < 2 || close > 4 || !/^\d+$/.test(text.slice(1, close))) return undefined;
    text = text.slice(close + 1);
  }
  const { iso, rest } = readTime(text, ctx);
  const timestamp = iso ?? ctx.now.toISOString();
  const words = rest === '' ? [] : rest.trimEnd().split(' ');
  if (words.length === 0) return { timestamp };
  if (words.length > 2 || !TAG.test(words[words.length - 1] as string) || words[0] === '') return undefined;
  return words.length === 2 ? { timestamp, host: words[0] as string } : { timestamp };
}

/** True when `record` is a syslog_output line: a syslog header (or none), then `Alert Level: N; Rule: `. */
export function isSyslogOutput(record: string, ctx: ParseContext): boolean {
  const at = record.indexOf(MARKER);
  const semi = at === -1 ? -1 : record.indexOf(';', at);
  return semi !== -1 && record.startsWith('; Rule: ', semi) && readHeader(record.slice(0, at), ctx) !== undefined;
}

/** Splits `text` at the first `; ` (the value, the rest after it); the whole text when there is none. */
function cut(text: string): [string, string] {
  const at = text.indexOf('; ');
  if (at !== -1) return [text.slice(0, at), text.slice(at + 2)];
  return [text.endsWith(';') ? text.slice(0, -1) : text, ''];
}

function setItem(alert: OssecAlert, item: Item, value: string): void {
  if (item === 'classification') alert.groups = splitGroups(value);
  else if (item === 'srcip') put(alert, 'srcIp', value);
  else if (item === 'dstip') put(alert, 'dstIp', value);
  else if (item === 'srcport') put(alert, 'srcPort', value);
  else if (item === 'dstport') put(alert, 'dstPort', value);
  else if (item === 'user') put(alert, 'dstUser', value);
  else alert.extra[item.toLowerCase().replace(' ', '_')] = value;
}

/** Reads the optional items at the start of `text`, in order; returns the rest (the log line). */
function readItems(text: string, alert: OssecAlert): string {
  let rest = text;
  for (const item of ITEMS) {
    if (!rest.startsWith(`${item}: `)) continue;
    const [value, after] = cut(rest.slice(item.length + 2));
    setItem(alert, item, value.trim());
    rest = after;
  }
  return rest;
}

/**
 * OSSEC's `syslog_output` default format (seed 002), usually behind a syslog header:
 *
 *     <132>Jul  8 10:58:09 server ossec: Alert Level: 3; Rule: 5501 - Login session opened.;
 *       Location: server->/var/log/secure; classification:  pam,syslog,; srcip: 1.2.3.4; user: root; <log line>
 *
 * `;` occurs inside rule descriptions and log lines, so the text is read key by key in the order
 * csyslogd writes them (`Alert Level`, `Rule`, `Location`, then optional `classification`, `srcip`,
 * ..., `user`), never split on `;`; what follows the last key is the log line. The time is the
 * header's (the server's local time, `ctx.timezone`).
 */
export function parseSyslogOutput(record: string, ctx: ParseContext): OssecAlert | ParseFailure {
  const start = record.indexOf(MARKER);
  if (start === -1) return { failure: `no "${MARKER}" in the line` };
  const body = record.slice(start + MARKER.length);
  const levelEnd = body.indexOf('; Rule: ');
  const level = levelEnd > 0 && levelEnd <= 3 ? Number(body.slice(0, levelEnd)) : Number.NaN;
  if (!Number.isInteger(level)) return { failure: 'syslog_output without "Alert Level: N; Rule: "' };
  const rule = body.slice(levelEnd + 8);
  const dash = rule.indexOf(' - ');
  const ruleId = rule.slice(0, dash);
  if (dash === -1 || !/^\d{1,9}$/.test(ruleId)) return { failure: 'syslog_output without "Rule: N - description"' };
  const locationAt = rule.indexOf('; Location: ', dash);
  if (locationAt === -1) return { failure: 'syslog_output without "; Location: "' };
  const [location, rest] = cut(rule.slice(locationAt + 12));
  const header = readHeader(record.slice(0, start), ctx);
  if (header === undefined) return { failure: 'the text before "Alert Level:" is not a syslog header ([<PRI>][time] [host] tag:)' };
  const alert: OssecAlert = {
    format: 'syslog_output',
    product: 'ossec',
    timestamp: header.timestamp,
    level,
    ruleId,
    description: rule.slice(dash + 3, locationAt),
    groups: [],
    location,
    ...locationParts(location),
    extra: {},
  };
  put(alert, 'manager', header.host);
  put(alert, 'log', readItems(rest.trimStart(), alert).trim());
  return alert;
}
