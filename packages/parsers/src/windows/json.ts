import type { ParseContext, ParseFailure } from '../types.ts';
import { titleOf } from './description.ts';
import { auditOf, DATA_KEYS, DATA_NAME, MAX_DATA_ENTRIES, type EventData, type WinEvent } from './event.ts';
import { windowsTime } from './time.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** What each shipper calls the event's envelope. */
interface Envelope {
  format: WinEvent['format'];
  eventId?: string;
  time?: string;
  computer?: string;
  channel?: string;
  provider?: string;
  keywords?: string;
  message?: string;
  /** Event data, under Windows' names (`TargetUserName`) or Wazuh's camelCase ones (`targetUserName`). */
  data: Json;
}

/** Winlogbeat: `winlog.event_id`, `winlog.event_data`, ECS `@timestamp`. */
function winlogbeat(doc: Json): Envelope {
  const w = obj(doc.winlog);
  const keywords = Array.isArray(w.keywords) ? w.keywords.find((k) => typeof k === 'string' && /audit/i.test(k)) : undefined;
  return {
    format: 'winlogbeat', eventId: str(w.event_id), time: str(doc['@timestamp']) ?? str(w.time_created), computer: str(w.computer_name) ?? str(obj(doc.host).name),
    channel: str(w.channel), provider: str(w.provider_name), keywords: str(keywords) ?? str(obj(doc.event).outcome), message: str(doc.message), data: obj(w.event_data),
  };
}

/** Wazuh's eventchannel JSON: `win.system.eventID`, `win.eventdata.targetUserName`. */
function wazuh(doc: Json): Envelope {
  const sys = obj(obj(doc.win).system);
  return {
    format: 'wazuh', eventId: str(sys.eventID), time: str(sys.systemTime), computer: str(sys.computer), channel: str(sys.channel),
    provider: str(sys.providerName), keywords: str(sys.severityValue), message: str(sys.message), data: obj(obj(doc.win).eventdata),
  };
}

/** NXLog's `to_json()` of im_msvistalog: flat, `EventID`, `EventTime`, `Hostname`, event data at the top level. */
function nxlog(doc: Json): Envelope {
  return {
    format: 'nxlog', eventId: str(doc.EventID), time: str(doc.EventTime) ?? str(doc.TimeCreated), computer: str(doc.Hostname) ?? str(doc.Computer),
    channel: str(doc.Channel), provider: str(doc.SourceName) ?? str(doc.ProviderName), keywords: str(doc.EventType) ?? str(doc.Keywords), message: str(doc.Message), data: doc,
  };
}

/**
 * The event data under Windows' names, whichever case the shipper used (Wazuh: `targetUserName`).
 * `all`: every entry of an `EventData` object (Winlogbeat, Wazuh), else only {@link DATA_KEYS} (NXLog
 * puts the event data at the top level, beside its own fields).
 */
function eventData(data: Json, all: boolean): EventData {
  const out: EventData = {};
  if (!all) {
    for (const key of DATA_KEYS) {
      const value = str(data[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  let kept = 0;
  for (const [name, raw] of Object.entries(data)) {
    const value = str(raw);
    if (value === undefined || !DATA_NAME.test(name)) continue;
    out[name.charAt(0).toUpperCase() + name.slice(1)] = value;
    if (++kept >= MAX_DATA_ENTRIES) break;
  }
  return out;
}

function envelopeOf(doc: Json): Envelope | undefined {
  if (typeof doc.winlog === 'object') return winlogbeat(doc);
  if (typeof doc.win === 'object') return wazuh(doc);
  if (doc.EventID !== undefined) return nxlog(doc);
  return undefined;
}

/**
 * A Windows event as JSON, one per line, from the shippers in use: Winlogbeat (`winlog.*`), Wazuh's
 * eventchannel format (`win.system`, `win.eventdata`, camelCase names) and NXLog (`EventID`,
 * `TargetUserName`... at the top level; `EventTime` without a zone is read in `ctx.timezone`).
 */
export function fromJson(record: string, ctx: ParseContext): WinEvent | ParseFailure {
  let doc: Json;
  try {
    doc = obj(JSON.parse(record));
  } catch (err) {
    return { failure: `invalid JSON: ${(err as Error).message}` };
  }
  const env = envelopeOf(doc);
  if (env?.eventId === undefined || !/^\d{1,5}$/.test(env.eventId)) return { failure: 'JSON without a numeric winlog.event_id, win.system.eventID or EventID: not a Windows event' };
  const timestamp = env.time === undefined ? undefined : windowsTime(env.time, ctx);
  if (timestamp === undefined) return { failure: `Windows event ${env.eventId} without a valid time (${env.time ?? 'missing'})` };
  const event: WinEvent = { format: env.format, timestamp, eventId: env.eventId, data: eventData(env.data, env.format !== 'nxlog') };
  if (env.computer !== undefined) event.computer = env.computer;
  if (env.channel !== undefined) event.channel = env.channel;
  if (env.provider !== undefined) event.provider = env.provider;
  const audit = auditOf(env.keywords);
  if (audit !== undefined) event.audit = audit;
  const title = env.message === undefined ? undefined : titleOf(env.message.replace(/\\r\\n|\r/g, '\n'));
  if (title !== undefined) event.title = title;
  return event;
}
