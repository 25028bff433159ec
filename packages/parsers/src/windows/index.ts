import { startLineFramer } from '../framing.ts';
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { fromJson, fromLegacy, fromWevtutil, fromXml } from './formats.ts';
import { logonToEcs, type LogonRecord } from './logon.ts';

const WEVTUTIL_START = /^Event\[\d+\]:\s*$/;
const startsRecord = (line: string) => WEVTUTIL_START.test(line);

function shape(record: string, ctx: ParseContext): LogonRecord | ParseFailure {
  const text = record.trimStart();
  if (startsRecord(text.split('\n', 1)[0] ?? '')) return fromWevtutil(record, ctx);
  if (text.startsWith('{')) return fromJson(text, ctx);
  if (text.includes('<Event') && text.includes('<EventID')) return fromXml(text, ctx);
  if (text.includes('WinEvtLog: ')) return fromLegacy(text, ctx);
  return { failure: 'not a Windows event (wevtutil text, JSON, XML or WinEvtLog line)' };
}

/**
 * Windows Security logon events (4625 failed, 4624 succeeded), as `wevtutil qe /f:text` text
 * (multi-line, framed at `Event[N]:`), as the JSON of Winlogbeat, NXLog or Wazuh, as the XML rendering,
 * or as OSSEC's legacy `WinEvtLog:` line: the same ECS fields as Linux auth events.
 */
export const windowsParser: LogParser = {
  source: 'windows',
  dataset: 'windows',
  description: 'Windows Security events 4624/4625: wevtutil text, Winlogbeat/NXLog/Wazuh JSON, XML, WinEvtLog',
  framer: () => startLineFramer(startsRecord),
  startsRecord,
  detect: (record) => startsRecord(record.split('\n', 1)[0] ?? '') || record.includes('WinEvtLog: ') || (record.includes('<EventID') && record.includes('<Event')) || (record.startsWith('{') && /"(?:winlog|win|EventID)"/.test(record)),
  parse(record, ctx): ParsedFields | ParseFailure {
    const r = shape(record, ctx);
    return 'failure' in r ? r : logonToEcs(r);
  },
};
