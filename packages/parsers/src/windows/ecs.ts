import { isIP } from 'node:net';
import type { EcsEvent } from '@vigil/core';
import type { ParsedFields } from '../types.ts';
import { failureReason, logonTypeName, slug, SUB_STATUS } from './codes.ts';
import { present, type WinEvent } from './event.ts';

const AUDITING = 'Microsoft-Windows-Security-Auditing';

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

function winlog(e: WinEvent, logonType: string | undefined): NonNullable<EcsEvent['winlog']> {
  const w: NonNullable<EcsEvent['winlog']> = { event_id: e.eventId };
  if (e.channel !== undefined) w.channel = e.channel;
  if (e.computer !== undefined) w.computer_name = e.computer;
  if (e.provider !== undefined) w.provider_name = e.provider;
  const logonId = present(e.data.TargetLogonId);
  if (logonType !== undefined || logonId !== undefined) w.logon = { ...(logonType === undefined ? {} : { type: logonTypeName(logonType) }), ...(logonId === undefined ? {} : { id: logonId }) };
  return w;
}

/** `vigil.windows`: the raw logon type number, failure reason (text and `%%` code), status codes. */
function details(e: WinEvent, logonType: string | undefined): Record<string, unknown> {
  const d: Record<string, unknown> = { format: e.format };
  if (logonType !== undefined) d.logon_type = logonType;
  const reason = present(e.data.FailureReason);
  if (reason !== undefined) {
    const r = failureReason(reason);
    d.failure_reason = r.text;
    if (r.code !== undefined) d.failure_reason_code = r.code;
  }
  const status = present(e.data.Status);
  const sub = present(e.data.SubStatus);
  if (status !== undefined) d.status = status.toLowerCase();
  if (sub !== undefined) d.sub_status = sub.toLowerCase();
  const subText = sub === undefined ? undefined : SUB_STATUS[sub.toLowerCase()];
  if (subText !== undefined) d.sub_status_text = subText;
  for (const [key, name] of [['WorkstationName', 'workstation'], ['LogonProcessName', 'logon_process'], ['AuthenticationPackageName', 'authentication_package'], ['SubjectUserName', 'subject_user_name']] as const) {
    const v = present(e.data[key]);
    if (v !== undefined) d[name] = v;
  }
  return d;
}

/** 4624/4625: the fields of the Linux auth events (seed 001), so one watch covers both. */
function logonFields(e: WinEvent, kind: { action: string; outcome: 'success' | 'failure' }, out: ParsedFields): void {
  out.event = { ...out.event, category: ['authentication'], type: ['start'], action: kind.action, outcome: kind.outcome };
  const user = present(e.data.TargetUserName);
  const domain = present(e.data.TargetDomainName);
  const ip = sourceIp(e.data.IpAddress);
  const port = sourcePort(e.data.IpPort);
  if (user !== undefined) out.user = { name: user, ...(domain === undefined ? {} : { domain }) };
  if (ip !== undefined) out.source = { ip, ...(port === undefined ? {} : { port }) };
  if (ip !== undefined || user !== undefined) out.related = { ...(ip === undefined ? {} : { ip: [ip] }), ...(user === undefined ? {} : { user: [user] }) };
  out.tags = [kind.outcome === 'failure' ? 'auth_failure' : 'auth_success'];
}

/**
 * ECS for a Windows event.
 *
 * 4625 (failed logon) and 4624 (logon) get the same fields as the Linux auth events (seed 001):
 * `event.category: [authentication]`, `event.type: [start]`, `event.outcome`, `event.action`
 * `logon-failed` / `logged-in` (as Elastic's Windows module names them), `user.name` and `user.domain`
 * (the target account), `source.ip` and `source.port` (IpAddress/IpPort; `-` and port 0 mean none),
 * `related.*`, and the tags `auth_failure` / `auth_success`. `winlog.logon.type` holds the logon type's
 * name as Winlogbeat writes it (`Network`); its number stays in `vigil.windows.logon_type`.
 * FailureReason `%%2313` becomes its text, the code kept in `vigil.windows.failure_reason_code`.
 *
 * Other event ids give a minimal event: `event.code`, `event.action` from the description's title
 * (`a-user-account-was-enabled`) or `windows-event-<id>`, `event.outcome` from the audit keyword, host
 * and `winlog` fields.
 */
export function winEventToEcs(e: WinEvent): ParsedFields {
  const logonType = present(e.data.LogonType);
  const kind = e.provider === undefined || e.provider === AUDITING ? LOGONS[e.eventId] : undefined;
  const provider = e.provider ?? (kind === undefined ? undefined : AUDITING);
  const out: ParsedFields = {
    '@timestamp': e.timestamp,
    event: {
      code: e.eventId,
      action: (e.title === undefined ? undefined : slug(e.title)) ?? `windows-event-${e.eventId}`,
      ...(provider === undefined ? {} : { provider }),
    },
    winlog: winlog(e, logonType),
    vigil: { windows: details(e, logonType) },
  };
  if (e.computer !== undefined) out.host = { name: e.computer };
  if (kind !== undefined) logonFields(e, kind, out);
  else if (e.audit !== undefined && out.event !== undefined) out.event.outcome = e.audit;
  return out;
}
