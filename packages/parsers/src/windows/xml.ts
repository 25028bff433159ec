import type { ParseContext, ParseFailure } from '../types.ts';
import { titleOf } from './description.ts';
import { auditOf, DATA_NAME, MAX_DATA_ENTRIES, type EventData, type WinEvent } from './event.ts';
import { windowsTime } from './time.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ENTITIES[e] ?? '');

/** The text of the first `<tag ...>text</tag>`. */
function element(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^<>]{0,200})?>([^<]*)</${tag}>`).exec(xml);
  return m === null ? undefined : unescape(m[1] as string);
}

/** `<Data Name="TargetUserName">bob</Data>` elements, by name (at most {@link MAX_DATA_ENTRIES}). */
function eventData(xml: string): EventData {
  const data: EventData = {};
  let kept = 0;
  for (const m of xml.matchAll(/<Data Name=["'](\w{1,64})["']\s*>([^<]*)<\/Data>/g)) {
    const name = m[1] as string;
    if (!DATA_NAME.test(name)) continue;
    data[name] = unescape(m[2] as string);
    if (++kept >= MAX_DATA_ENTRIES) break;
  }
  return data;
}

/**
 * The XML rendering of an event (`Get-WinEvent ... .ToXml()`, Event Viewer's XML view, crowdsec's
 * samples): `<Event xmlns=...><System><EventID>4625</EventID><TimeCreated SystemTime="..."/>...
 * <EventData><Data Name="TargetUserName">...</Data>`. Read with linear regexes, not a full XML parser.
 */
export function fromXml(record: string, ctx: ParseContext): WinEvent | ParseFailure {
  const eventId = element(record, 'EventID');
  if (eventId === undefined || !/^\d{1,5}$/.test(eventId)) return { failure: 'XML event without a numeric <EventID>' };
  const time = /<TimeCreated\s+SystemTime=["']([^"']{1,40})["']/.exec(record)?.[1];
  const timestamp = time === undefined ? undefined : windowsTime(time, ctx);
  if (timestamp === undefined) return { failure: `XML event ${eventId} without a valid <TimeCreated SystemTime>` };
  const event: WinEvent = { format: 'xml', timestamp, eventId, data: eventData(record) };
  const computer = element(record, 'Computer');
  const channel = element(record, 'Channel');
  const provider = /<Provider\s+Name=["']([^"']{1,200})["']/.exec(record)?.[1];
  if (computer !== undefined) event.computer = computer;
  if (channel !== undefined) event.channel = channel;
  if (provider !== undefined) event.provider = provider;
  const audit = auditOf(element(record, 'Keywords'));
  if (audit !== undefined) event.audit = audit;
  const message = element(record, 'Message');
  const title = message === undefined ? undefined : titleOf(message);
  if (title !== undefined) event.title = title;
  return event;
}
