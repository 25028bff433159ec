import { blockFramer } from '../framing.ts';
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { startsWevtutilRecord as startsRecord, wevtutilBlock } from './block.ts';
import { winEventToEcs } from './ecs.ts';
import type { WinEvent } from './event.ts';
import { fromJson } from './json.ts';
import { fromWinEvtLog, isWinEvtLog, WINEVTLOG } from './legacy.ts';
import { fromWevtutil } from './wevtutil.ts';
import { fromXml } from './xml.ts';

/** The first line of a record, without reading past it. */
const firstLine = (record: string): string => {
  const nl = record.indexOf('\n');
  return nl === -1 ? record : record.slice(0, nl);
};

const isXml = (text: string): boolean => text.includes('<Event') && text.includes('<EventID');
const isJson = (text: string): boolean => text.startsWith('{') && (text.includes('"winlog"') || text.includes('"win"') || text.includes('"EventID"'));

function shape(record: string, ctx: ParseContext): WinEvent | ParseFailure {
  const text = record.trimStart();
  if (startsRecord(firstLine(text))) return fromWevtutil(text, ctx);
  if (text.startsWith('{')) return fromJson(text, ctx);
  if (isXml(text)) return fromXml(text, ctx);
  if (text.includes(WINEVTLOG)) return fromWinEvtLog(text, ctx);
  return { failure: 'not a Windows event (wevtutil text, Winlogbeat/NXLog/Wazuh JSON, XML or a WinEvtLog line)' };
}

/**
 * Windows Security events, 4625 (failed logon) and 4624 (logon) in full, others minimally, from:
 *
 * | format | record |
 * |---|---|
 * | `wevtutil qe Security /f:text` | multi-line, from `Event[N]:` to the next, within the record bounds (framed: {@link wevtutilBlock}); `Date:` local in `ctx.timezone` |
 * | Winlogbeat JSON | `{"@timestamp":...,"winlog":{"event_id":4625,"event_data":{"TargetUserName":...}}}` |
 * | NXLog JSON | `{"EventTime":"2026-11-22 09:49:32","EventID":4625,"TargetUserName":...}` (zoneless time: `ctx.timezone`) |
 * | Wazuh eventchannel JSON | `{"win":{"system":{"eventID":"4625",...},"eventdata":{"targetUserName":...}}}` |
 * | XML rendering | `<Event xmlns=...><System>...</System><EventData><Data Name="...">` (crowdsec's samples) |
 * | OSSEC/Wazuh legacy line | `2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): ...` |
 *
 * Fields: see {@link winEventToEcs}. Anything else is a failure with the reason.
 */
export const windowsParser: LogParser = {
  source: 'windows',
  dataset: 'windows',
  description: 'Windows Security events 4624/4625: wevtutil text, Winlogbeat/NXLog/Wazuh JSON, XML, WinEvtLog lines',
  framer: (bounds) => blockFramer([wevtutilBlock], { bounds }),
  startsRecord,
  block: wevtutilBlock,
  detect: (record) => {
    const text = record.trimStart();
    return startsRecord(firstLine(text)) || isJson(text) || isXml(text) || isWinEvtLog(text);
  },
  parse(record, ctx): ParsedFields | ParseFailure {
    const event = shape(record, ctx);
    return 'failure' in event ? event : winEventToEcs(event);
  },
};
