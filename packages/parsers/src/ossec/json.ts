import type { ParseFailure } from '../types.ts';
import { locationParts, put, splitGroups, type OssecAlert } from './alert.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
};

/** Wazuh's `2022-05-11T12:29:19.905+0000`, or OSSEC's `TimeStamp` in epoch milliseconds, as ISO UTC. */
function isoTime(timestamp: unknown, epochMs: unknown): string | undefined {
  if (typeof timestamp === 'string' && timestamp.length <= 40) {
    const ms = Date.parse(timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  if (typeof epochMs === 'number' && Number.isFinite(epochMs) && Math.abs(epochMs) < 8.64e15) return new Date(epochMs).toISOString();
  return undefined;
}

/** `rule.groups` (Wazuh: an array) or `rule.group` (OSSEC: `syslog,sshd,`). */
function groupsOf(rule: Json): string[] {
  if (Array.isArray(rule.groups)) return rule.groups.filter((g): g is string => typeof g === 'string');
  return splitGroups(str(rule.group) ?? '');
}

/** The Windows event data of a Wazuh eventchannel alert (`data.win.eventdata`): the logon's account and address. */
function windowsData(data: Json): { srcIp?: string; srcPort?: string; dstUser?: string } {
  const ev = obj(obj(data.win).eventdata);
  const ip = str(ev.ipAddress);
  const port = str(ev.ipPort);
  const user = str(ev.targetUserName);
  return { ...(ip === undefined || ip === '-' ? {} : { srcIp: ip }), ...(port === undefined || port === '-' || port === '0' ? {} : { srcPort: port }), ...(user === undefined || user === '-' ? {} : { dstUser: user }) };
}

/** Fields that only Wazuh writes, kept under `vigil.ossec`. */
function wazuhExtra(doc: Json, rule: Json): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const decoder = typeof doc.decoder === 'string' ? doc.decoder : str(obj(doc.decoder).name);
  if (decoder !== undefined) extra.decoder = decoder;
  const program = str(obj(doc.predecoder).program_name) ?? str(doc.program_name);
  if (program !== undefined) extra.program_name = program;
  const previous = str(doc.previous_output);
  if (previous !== undefined) extra.previous_output = previous;
  const mitre = obj(rule.mitre);
  if (Array.isArray(mitre.id)) extra.mitre = mitre;
  return extra;
}

/** Reads what both shapes name alike (OSSEC top-level, Wazuh under `data`). */
function readCommon(alert: OssecAlert, doc: Json): void {
  const data = obj(doc.data);
  const win = windowsData(data);
  put(alert, 'srcIp', str(data.srcip) ?? str(doc.srcip) ?? win.srcIp);
  put(alert, 'srcPort', str(data.srcport) ?? str(doc.srcport) ?? win.srcPort);
  put(alert, 'dstIp', str(data.dstip) ?? str(doc.dstip));
  put(alert, 'dstPort', str(data.dstport) ?? str(doc.dstport));
  put(alert, 'srcUser', str(data.srcuser) ?? str(doc.srcuser));
  put(alert, 'dstUser', str(data.dstuser) ?? str(doc.dstuser) ?? win.dstUser);
  put(alert, 'log', str(doc.full_log));
}

/** Agent, host and manager: Wazuh's `agent`/`manager`, else the location (OSSEC's `hostname` repeats it for agents). */
function readHosts(alert: OssecAlert, doc: Json): void {
  const agent = obj(doc.agent);
  const fromLocation = alert.location === undefined ? {} : locationParts(alert.location);
  const hostname = str(doc.hostname);
  const fromHostname = hostname?.startsWith('(') === true ? locationParts(hostname) : { hostname };
  put(alert, 'agentName', str(agent.name) ?? fromLocation.agentName ?? fromHostname.agentName);
  put(alert, 'agentId', str(agent.id));
  put(alert, 'agentIp', str(agent.ip) ?? fromLocation.agentIp ?? fromHostname.agentIp);
  put(alert, 'hostname', str(obj(doc.predecoder).hostname) ?? fromHostname.hostname ?? fromLocation.hostname);
  put(alert, 'manager', str(obj(doc.manager).name));
}

/**
 * JSON alerts, one per line, in the shapes that exist:
 * - OSSEC's native `alerts.json`: `rule.sidid`, `rule.comment`, `rule.group` as text, `TimeStamp` in
 *   epoch ms, top-level `srcip`/`srcuser`/`dstuser`, `hostname`;
 * - Wazuh's `alerts.json` (also what integratord hands to integrations): `rule.id`, `rule.description`,
 *   `rule.groups`, ISO `timestamp`, `agent`, `manager`, `data.srcip`/`srcuser`/`dstuser` (and
 *   `data.win.eventdata` for Windows events), `predecoder.hostname`, `previous_output`;
 * - the OSSEC documentation's variant of the latter (`rule.id`/`description`/`groups`, `agent`).
 * Invalid JSON, or JSON without a rule level and id, is a failure.
 */
export function parseJsonAlert(record: string): OssecAlert | ParseFailure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch (err) {
    return { failure: `invalid JSON alert: ${(err as Error).message}` };
  }
  const doc = obj(parsed);
  const rule = obj(doc.rule);
  const level = int(rule.level);
  const ruleId = str(rule.id) ?? str(rule.sidid);
  if (level === undefined || ruleId === undefined) return { failure: 'JSON without rule.level and rule.id (or rule.sidid): not an OSSEC/Wazuh alert' };
  const timestamp = isoTime(doc.timestamp, doc.TimeStamp);
  if (timestamp === undefined) return { failure: 'JSON alert without a valid "timestamp" or "TimeStamp"' };
  const wazuh = typeof doc.timestamp === 'string' || Array.isArray(rule.groups) || typeof doc.agent === 'object';
  const alert: OssecAlert = {
    format: 'json',
    product: wazuh ? 'wazuh' : 'ossec',
    timestamp,
    level,
    ruleId,
    description: str(rule.description) ?? str(rule.comment) ?? '',
    groups: groupsOf(rule),
    extra: wazuhExtra(doc, rule),
  };
  put(alert, 'alertId', str(doc.id));
  put(alert, 'location', str(doc.location));
  readHosts(alert, doc);
  readCommon(alert, doc);
  return alert;
}
