import type { ParseFailure } from '../types.ts';
import { locationParts, splitGroups, type OssecAlert } from './fields.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** `2022-05-11T12:29:19.905+0000` (Wazuh) or epoch milliseconds (OSSEC `TimeStamp`) → ISO UTC. */
function isoTime(wazuh: unknown, ossecMs: unknown): string | undefined {
  if (typeof wazuh === 'string') {
    const normal = wazuh.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
    const ms = Date.parse(normal);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  if (typeof ossecMs === 'number' && Number.isFinite(ossecMs)) return new Date(ossecMs).toISOString();
  return undefined;
}

/**
 * JSON alerts, one per line, in the two shapes that exist: OSSEC's native `alerts.json`
 * (`rule.sidid`, `rule.comment`, `rule.group` as text, `TimeStamp` in ms, top-level `srcip`,
 * `dstuser`) and Wazuh's (`rule.id`, `rule.description`, `rule.groups` array, `timestamp`, `agent`,
 * `data.srcip`/`srcuser`/`dstuser`, `predecoder.hostname`); integratord's samples are Wazuh's shape.
 */
export function parseJsonAlert(record: string): OssecAlert | ParseFailure {
  let doc: Json;
  try {
    doc = obj(JSON.parse(record));
  } catch (err) {
    return { failure: `invalid JSON alert: ${(err as Error).message}` };
  }
  const rule = obj(doc.rule);
  const data = obj(doc.data);
  const agent = obj(doc.agent);
  const level = num(rule.level);
  const ruleId = str(rule.id) ?? str(rule.sidid);
  const timestamp = isoTime(doc.timestamp, doc.TimeStamp);
  if (level === undefined || ruleId === undefined) return { failure: 'JSON without rule.level and rule.id (or rule.sidid): not an OSSEC/Wazuh alert' };
  if (timestamp === undefined) return { failure: 'JSON alert without a valid timestamp or TimeStamp' };
  const wazuh = doc.timestamp !== undefined || Array.isArray(rule.groups);
  const location = str(doc.location);
  const groups = Array.isArray(rule.groups) ? rule.groups.filter((g): g is string => typeof g === 'string') : splitGroups(str(rule.group) ?? '');
  const fromLocation = location === undefined ? {} : locationParts(location);
  const alert: OssecAlert = {
    timestamp,
    level,
    ruleId,
    description: str(rule.description) ?? str(rule.comment) ?? '',
    groups,
    product: wazuh ? 'wazuh' : 'ossec',
  };
  const set = <K extends keyof OssecAlert>(key: K, value: OssecAlert[K] | undefined) => {
    if (value !== undefined) alert[key] = value;
  };
  set('alertId', str(doc.id));
  set('location', location);
  set('agentName', str(agent.name) ?? fromLocation.agentName);
  set('agentId', str(agent.id));
  set('hostname', str(obj(doc.predecoder).hostname) ?? (wazuh ? undefined : str(doc.hostname)?.replace(/^\(.*$/, '')) ?? fromLocation.hostname);
  set('srcIp', str(data.srcip) ?? str(doc.srcip));
  set('srcPort', num(data.srcport) ?? num(doc.srcport));
  set('dstIp', str(data.dstip) ?? str(doc.dstip));
  set('srcUser', str(data.srcuser) ?? str(doc.srcuser));
  set('dstUser', str(data.dstuser) ?? str(doc.dstuser));
  set('user', str(doc.user));
  set('log', str(doc.full_log));
  return alert;
}
