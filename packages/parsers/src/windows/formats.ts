import type { ParseContext, ParseFailure } from '../types.ts';
import { monthNumber, zonedToEpochMs } from '../time.ts';
import type { LogonRecord } from './logon.ts';
import { labelValue, readDescription } from './text.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** A wall-clock `YYYY-MM-DD[T ]HH:MM:SS[.fff]` with or without a zone; zoneless reads in `ctx.timezone`. */
export function windowsTime(value: string, ctx: ParseContext): string | undefined {
  if (/(Z|[+-]\d\d:?\d\d)$/.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T').replace(/([+-]\d\d)(\d\d)$/, '$1:$2').replace(/\.(\d{3})\d+/, '.$1'));
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,3})\d*)?$/.exec(value.trim());
  if (m === null) return undefined;
  const ms = zonedToEpochMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0')), ctx.timezone);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `wevtutil qe Security /f:text`: `Event[N]:` then `  Key: value` lines and the description. */
export function fromWevtutil(record: string, ctx: ParseContext): LogonRecord | ParseFailure {
  const eventId = labelValue(record, 'Event ID:');
  const date = labelValue(record, 'Date:');
  if (eventId === undefined || !/^\d+$/.test(eventId)) return { failure: 'wevtutil record without "Event ID:"' };
  const timestamp = date === undefined ? undefined : windowsTime(date, ctx);
  if (timestamp === undefined) return { failure: `wevtutil record with no valid "Date:" (${date ?? 'missing'})` };
  const r: LogonRecord = { timestamp, eventId };
  const computer = labelValue(record, 'Computer:');
  const channel = labelValue(record, 'Log Name:');
  if (computer !== undefined) r.computer = computer;
  if (channel !== undefined) r.channel = channel;
  const description = record.indexOf('Description:');
  readDescription(description === -1 ? record : record.slice(description), r);
  return r;
}

const LEGACY = /^(?:(\d{4}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) )?(?:\S+->)?WinEvtLog: ([^:]+): (AUDIT_\w+|\w+)\((\d+)\): ([^:]+): ([^:]*): ([^:]*): ([^:]+): /;

/** OSSEC/Wazuh's legacy one-line `WinEvtLog: Security: AUDIT_FAILURE(4625): provider: user: domain: computer: description`. */
export function fromLegacy(record: string, ctx: ParseContext): LogonRecord | ParseFailure {
  const m = LEGACY.exec(record);
  if (m === null) return { failure: 'not a WinEvtLog line' };
  let timestamp = ctx.now.toISOString();
  if (m[1] !== undefined) {
    const month = monthNumber(m[2] as string);
    if (month === undefined) return { failure: `unknown month ${m[2]}` };
    timestamp = new Date(zonedToEpochMs(Number(m[1]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0, ctx.timezone)).toISOString();
  }
  const r: LogonRecord = { timestamp, eventId: m[9] as string, channel: m[7] as string, computer: m[13] as string };
  readDescription(record.slice(m[0].length), r);
  return r;
}

/** The XML rendering of an event (`<Event xmlns=...><System>...<EventData><Data Name="X">v</Data>`). */
export function fromXml(record: string, ctx: ParseContext): LogonRecord | ParseFailure {
  const eventId = /<EventID[^>]*>(\d+)<\/EventID>/.exec(record)?.[1];
  const time = /<TimeCreated SystemTime=["']([^"']+)["']/.exec(record)?.[1];
  if (eventId === undefined) return { failure: 'XML event without <EventID>' };
  const timestamp = time === undefined ? undefined : windowsTime(time, ctx);
  if (timestamp === undefined) return { failure: 'XML event without a valid <TimeCreated SystemTime>' };
  const data: Record<string, string> = {};
  for (const m of record.matchAll(/<Data Name=["'](\w+)["']>([^<]*)<\/Data>/g)) data[m[1] as string] = m[2] as string;
  const computer = /<Computer>([^<]*)<\/Computer>/.exec(record)?.[1];
  const channel = /<Channel>([^<]*)<\/Channel>/.exec(record)?.[1];
  return fromEventData(timestamp, eventId, data, computer, channel);
}

function fromEventData(timestamp: string, eventId: string, d: Json, computer: string | undefined, channel: string | undefined): LogonRecord {
  const pick = (...keys: string[]) => keys.map((k) => str(d[k])).find((v) => v !== undefined);
  const r: LogonRecord = { timestamp, eventId };
  const fields: Array<[keyof LogonRecord, string | undefined]> = [
    ['computer', computer],
    ['channel', channel],
    ['user', pick('TargetUserName', 'targetUserName')],
    ['domain', pick('TargetDomainName', 'targetDomainName')],
    ['ip', pick('IpAddress', 'ipAddress')],
    ['port', pick('IpPort', 'ipPort')],
    ['logonType', pick('LogonType', 'logonType')],
    ['failureReason', pick('FailureReason', 'failureReason')],
    ['status', pick('Status', 'status')],
    ['subStatus', pick('SubStatus', 'subStatus')],
  ];
  for (const [key, value] of fields) if (value !== undefined) (r as unknown as Record<string, string>)[key] = value;
  return r;
}

/** JSON from Winlogbeat (`winlog.event_data`), NXLog (flat `EventID`, `TargetUserName`) or Wazuh (`win.system`/`win.eventdata`). */
export function fromJson(record: string, ctx: ParseContext): LogonRecord | ParseFailure {
  let doc: Json;
  try {
    doc = obj(JSON.parse(record));
  } catch (err) {
    return { failure: `invalid JSON: ${(err as Error).message}` };
  }
  const winlog = obj(doc.winlog);
  const win = obj(doc.win);
  const system = obj(win.system);
  const eventId = str(winlog.event_id) ?? str(system.eventID) ?? str(doc.EventID);
  if (eventId === undefined) return { failure: 'JSON without winlog.event_id, win.system.eventID or EventID: not a Windows event' };
  const time = str(doc['@timestamp']) ?? str(system.systemTime) ?? str(doc.EventTime) ?? str(doc.TimeCreated);
  const timestamp = time === undefined ? undefined : windowsTime(time, ctx);
  if (timestamp === undefined) return { failure: `Windows event ${eventId} without a valid time` };
  const data = Object.keys(obj(winlog.event_data)).length > 0 ? obj(winlog.event_data) : Object.keys(obj(win.eventdata)).length > 0 ? obj(win.eventdata) : doc;
  const computer = str(winlog.computer_name) ?? str(system.computer) ?? str(doc.Hostname) ?? str(obj(doc.host).name);
  const channel = str(winlog.channel) ?? str(system.channel) ?? str(doc.Channel);
  return fromEventData(timestamp, eventId, data, computer, channel);
}
