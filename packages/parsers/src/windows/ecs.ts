import { isIP } from 'node:net';
import type { EcsEvent } from '@vigil/core';
import type { ParsedFields } from '../types.ts';
import { FAILURE_STATUS, failureReason, logonTypeName, slug } from './codes.ts';
import { present, type WinEvent } from './event.ts';

const AUDITING = 'Microsoft-Windows-Security-Auditing';
/** `event.module` of Winlogbeat's Security module, whose field layout this follows. */
const MODULE = 'security';

/** The logon events: Elastic's `event.action` for them, and their outcome. */
const LOGONS: Record<string, { action: string; outcome: 'success' | 'failure' }> = {
  '4624': { action: 'logged-in', outcome: 'success' },
  '4625': { action: 'logon-failed', outcome: 'failure' },
};

/** `IpAddress` when it is an address (`-`, `::1` stays, a name does not). */
function sourceIp(value: string | undefined): string | undefined {
  const ip = present(value);
  return ip !== undefined && ip.length <= 45 && isIP(ip) !== 0 ? ip : undefined;
}

/** `IpPort` when it is a port (`-` and `0` mean none). */
function sourcePort(value: string | undefined): number | undefined {
  const p = present(value);
  const n = p !== undefined && /^\d{1,5}$/.test(p) ? Number(p) : 0;
  return n > 0 && n <= 65535 ? n : undefined;
}

/** A SID (`S-1-5-21-...`): what `user.id` holds; a rendered name (`NULL SID`) is not one. */
function sid(value: string | undefined): string | undefined {
  const s = present(value);
  return s !== undefined && /^S-1-\d{1,14}(?:-\d{1,10}){0,15}$/i.test(s) ? s.toUpperCase() : undefined;
}

/**
 * `winlog.event_data`: the entries as the record has them, except that hex status codes are written
 * lower case as in `EventData` (a rendered description shows `0xC000006D`, the XML `0xc000006d`).
 */
function eventData(e: WinEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(e.data)) {
    if (value === undefined) continue;
    out[name] = (name === 'Status' || name === 'SubStatus') && /^0x[0-9a-f]{1,8}$/i.test(value.trim()) ? value.trim().toLowerCase() : value;
  }
  return out;
}

/** `winlog.logon.failure`: the reason's text (`%%2313` → `Unknown user name or bad password.`) and the status codes' meanings. */
function logonFailure(e: WinEvent): { reason?: string; status?: string; sub_status?: string } | undefined {
  const failure: { reason?: string; status?: string; sub_status?: string } = {};
  const reason = present(e.data.FailureReason);
  if (reason !== undefined) failure.reason = failureReason(reason).text;
  const status = FAILURE_STATUS[present(e.data.Status)?.toLowerCase() ?? ''];
  if (status !== undefined) failure.status = status;
  const sub = FAILURE_STATUS[present(e.data.SubStatus)?.toLowerCase() ?? ''];
  if (sub !== undefined) failure.sub_status = sub;
  return Object.keys(failure).length === 0 ? undefined : failure;
}

function winlog(e: WinEvent, isLogon: boolean): NonNullable<EcsEvent['winlog']> {
  const w: NonNullable<EcsEvent['winlog']> = { event_id: e.eventId };
  if (e.channel !== undefined) w.channel = e.channel;
  if (e.computer !== undefined) w.computer_name = e.computer;
  if (e.provider !== undefined) w.provider_name = e.provider;
  const data = eventData(e);
  if (Object.keys(data).length > 0) w.event_data = data;
  const logonType = present(e.data.LogonType);
  const logonId = present(e.data.TargetLogonId);
  const failure = isLogon ? logonFailure(e) : undefined;
  if (logonType !== undefined || logonId !== undefined || failure !== undefined) {
    w.logon = {};
    if (logonType !== undefined) w.logon.type = logonTypeName(logonType);
    if (logonId !== undefined) w.logon.id = logonId;
    if (failure !== undefined) w.logon.failure = failure;
  }
  return w;
}

/** 4624/4625 as Winlogbeat's Security module writes them (and as the Linux auth events, seed 001). */
function logonFields(e: WinEvent, kind: { action: string; outcome: 'success' | 'failure' }, out: ParsedFields): void {
  out.event = { ...out.event, category: ['authentication'], type: ['start'], action: kind.action, outcome: kind.outcome };
  const name = present(e.data.TargetUserName);
  const domain = present(e.data.TargetDomainName);
  const id = sid(e.data.TargetUserSid);
  const ip = sourceIp(e.data.IpAddress);
  const port = sourcePort(e.data.IpPort);
  if (name !== undefined || id !== undefined) {
    out.user = {};
    if (name !== undefined) out.user.name = name;
    if (domain !== undefined) out.user.domain = domain;
    if (id !== undefined) out.user.id = id;
  }
  if (ip !== undefined) out.source = { ip, ...(port === undefined ? {} : { port }) };
  if (ip !== undefined || name !== undefined) out.related = { ...(ip === undefined ? {} : { ip: [ip] }), ...(name === undefined ? {} : { user: [name] }) };
  out.tags = [kind.outcome === 'failure' ? 'auth_failure' : 'auth_success'];
}

/**
 * ECS for a Windows event, in Winlogbeat's layout (README.md next to this file has the table).
 *
 * Every event: `event.code`, `event.module: security`, `event.provider`, `host.name` (the computer),
 * `host.os.type: windows`, `winlog.{event_id,channel,computer_name,provider_name}` and
 * `winlog.event_data` (the `EventData` entries under their Windows names).
 *
 * 4625 (failed logon) and 4624 (logon): `event.category: [authentication]`, `event.type: [start]`,
 * `event.action` `logon-failed` / `logged-in`, `event.outcome`; `user.name` / `user.domain` /
 * `user.id` from TargetUserName / TargetDomainName / TargetUserSid; `source.ip` / `source.port` from
 * IpAddress / IpPort (`-` and port 0 mean none); `winlog.logon.type` (the type's name: `Network`),
 * `winlog.logon.id`, `winlog.logon.failure.*`; `related.*`; the tags `auth_failure` / `auth_success`.
 *
 * Other event ids: `event.action` from the description's title (`a-user-account-was-enabled`) or
 * `windows-event-<id>`, `event.outcome` from the audit keyword. `vigil.windows.format` says which
 * reader produced the event: the only detail without a Winlogbeat place.
 */
export function winEventToEcs(e: WinEvent): ParsedFields {
  const kind = e.provider === undefined || e.provider === AUDITING ? LOGONS[e.eventId] : undefined;
  const provider = e.provider ?? (kind === undefined ? undefined : AUDITING);
  const out: ParsedFields = {
    '@timestamp': e.timestamp,
    event: {
      code: e.eventId,
      module: MODULE,
      action: (e.title === undefined ? undefined : slug(e.title)) ?? `windows-event-${e.eventId}`,
      ...(provider === undefined ? {} : { provider }),
    },
    host: e.computer === undefined ? { os: { type: 'windows', family: 'windows' } } : { name: e.computer, os: { type: 'windows', family: 'windows' } },
    winlog: winlog(e, kind !== undefined),
    vigil: { windows: { format: e.format } },
  };
  if (kind !== undefined) logonFields(e, kind, out);
  else if (e.audit !== undefined && out.event !== undefined) out.event.outcome = e.audit;
  return out;
}
