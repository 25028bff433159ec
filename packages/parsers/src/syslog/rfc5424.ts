/**
 * RFC 5424: `<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, each
 * header field `-` (NILVALUE) when absent.
 */
import type { ParseContext, ParseFailure } from '../types.ts';
import type { Rfc5424Extras, SyslogHeader } from './model.ts';
import { newHeader } from './tag.ts';
import { nowIso, readIsoTimestamp } from './timestamp.ts';

const SPACE = 32;
const MAX_FIELD = 255;

/** Reads an RFC 5424 line whose PRI ended at `pos` (where VERSION starts). */
export function readRfc5424(line: string, pos: number, pri: number, ctx: ParseContext): SyslogHeader | ParseFailure {
  const version = line.charCodeAt(pos) - 48;
  let p = pos + 2;
  let timestamp: string;
  let timestampMissing = false;
  if (line.charCodeAt(p) === 45 /* - */ && line.charCodeAt(p + 1) === SPACE) {
    timestamp = nowIso(ctx);
    timestampMissing = true;
    p += 1;
  } else {
    const ts = readIsoTimestamp(line, p, ctx);
    if (ts === undefined) return { failure: `invalid RFC 5424 timestamp at "${line.slice(p, p + 32)}"` };
    if ('failure' in ts) return ts;
    timestamp = ts.iso;
    p = ts.end;
  }
  const fields: string[] = [];
  for (let k = 0; k < 4; k++) {
    if (line.charCodeAt(p) !== SPACE) return { failure: 'truncated RFC 5424 header (expected HOSTNAME APP-NAME PROCID MSGID)' };
    let end = line.indexOf(' ', p + 1);
    if (end === -1) end = line.length;
    if (end === p + 1 || end - p - 1 > MAX_FIELD) return { failure: 'invalid RFC 5424 header field' };
    fields.push(line.slice(p + 1, end));
    p = end;
  }
  if (line.charCodeAt(p) !== SPACE) return { failure: 'truncated RFC 5424 header (no STRUCTURED-DATA)' };
  const [hostname, app, procid, msgid] = fields as [string, string, string, string];
  const extras: Rfc5424Extras = { version };
  p += 1;
  if (line.charCodeAt(p) === 45) p += 1;
  else {
    const sd = readStructuredData(line, p);
    if (sd === undefined) return { failure: 'invalid RFC 5424 STRUCTURED-DATA' };
    extras.structured_data = sd.data;
    p = sd.end;
  }
  if (p < line.length && line.charCodeAt(p) !== SPACE) return { failure: 'invalid RFC 5424 STRUCTURED-DATA (no space before MSG)' };
  const at = messageStart(line, p);
  const header = newHeader(timestamp, timestampMissing, line.slice(at), at);
  header.pri = pri;
  header.rfc5424 = extras;
  if (hostname !== '-') header.hostname = hostname;
  if (app !== '-') header.program = app;
  if (/^\d{1,10}$/.test(procid)) header.pid = Number(procid);
  else if (procid !== '-') extras.procid = procid;
  if (msgid !== '-') extras.msgid = msgid;
  return header;
}

/** Where MSG starts after STRUCTURED-DATA: leading spaces and a UTF-8 BOM skipped. */
function messageStart(line: string, p: number): number {
  while (line.charCodeAt(p) === SPACE) p++;
  return line.charCodeAt(p) === 0xfeff ? p + 1 : p;
}

/**
 * One or more `[SD-ID PARAM="VALUE" ...]` blocks at `p`. Inside a value, `\"`, `\\` and `\]` are
 * unescaped and an unescaped `]` is kept (fail2ban's `test="[brackets]"`); only `"` ends it.
 * Records have no prototype, so an SD-ID like `__proto__` is an ordinary key.
 */
export function readStructuredData(line: string, p: number): { data: Record<string, Record<string, string>>; end: number } | undefined {
  const data = Object.create(null) as Record<string, Record<string, string>>;
  const n = line.length;
  while (p < n && line.charCodeAt(p) === 91 /* [ */) {
    let q = p + 1;
    while (q < n && line.charCodeAt(q) !== SPACE && line.charCodeAt(q) !== 93) q++;
    if (q === p + 1 || q >= n) return undefined;
    const params = Object.create(null) as Record<string, string>;
    data[line.slice(p + 1, q)] = params;
    while (line.charCodeAt(q) === SPACE) {
      const eq = line.indexOf('="', q + 1);
      if (eq === -1 || eq === q + 1 || eq - q > 33) return undefined;
      const name = line.slice(q + 1, eq);
      const value = readQuoted(line, eq + 2);
      if (value === undefined) return undefined;
      params[name] = value.text;
      q = value.end;
    }
    if (line.charCodeAt(q) !== 93) return undefined;
    p = q + 1;
  }
  return { data, end: p };
}

/** A PARAM-VALUE starting after its opening quote; `end` is past the closing quote. */
function readQuoted(line: string, p: number): { text: string; end: number } | undefined {
  let text = '';
  let run = p;
  for (let i = p; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */ && i + 1 < line.length) {
      const next = line.charCodeAt(i + 1);
      if (next === 34 || next === 92 || next === 93) {
        text += line.slice(run, i);
        run = i + 1;
        i += 1;
      }
    } else if (c === 34 /* " */) {
      return { text: text + line.slice(run, i), end: i + 1 };
    }
  }
  return undefined;
}
