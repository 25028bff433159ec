import { isIP } from 'node:net';
import type { ParsedFields } from '../types.ts';

/** The fields of a Security logon event, whatever shape it arrived in. */
export interface LogonRecord {
  timestamp: string;
  eventId: string;
  computer?: string;
  user?: string;
  domain?: string;
  ip?: string;
  port?: string;
  logonType?: string;
  failureReason?: string;
  status?: string;
  subStatus?: string;
  channel?: string;
}

const LOGON_TYPES: Record<string, string> = {
  '2': 'Interactive', '3': 'Network', '4': 'Batch', '5': 'Service', '7': 'Unlock', '8': 'NetworkCleartext',
  '9': 'NewCredentials', '10': 'RemoteInteractive', '11': 'CachedInteractive', '12': 'CachedRemoteInteractive', '13': 'CachedUnlock',
};

/** `%%NNNN` message ids Windows puts in FailureReason, as the event viewer renders them. */
const FAILURE_REASONS: Record<string, string> = {
  '2304': 'An Error occured during Logon.',
  '2305': 'The specified user account has expired.',
  '2307': 'Account locked out.',
  '2308': 'The user has not been granted the requested logon type at this machine.',
  '2309': "The specified account's password has expired.",
  '2310': 'Account currently disabled.',
  '2311': 'Account logon time restriction violation.',
  '2312': 'User not allowed to logon at this computer.',
  '2313': 'Unknown user name or bad password.',
};

/** `-`, empty and `0` mean "absent" in Windows event data. */
const present = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v);

/**
 * ECS for 4624/4625, the same fields as the Linux auth events (seed 001), so one watch covers both:
 * `event.category: [authentication]`, `event.outcome`, `user.name`, `source.ip`, tags
 * `auth_failure`/`auth_success`; `winlog.logon.type` is the name (as Winlogbeat writes it), the number
 * stays in `vigil.windows.logon_type`. Other event ids give a minimal event with `event.code`.
 */
export function logonToEcs(r: LogonRecord): ParsedFields {
  const failed = r.eventId === '4625';
  const succeeded = r.eventId === '4624';
  const ip = present(r.ip);
  const sourceIp = ip !== undefined && isIP(ip) !== 0 ? ip : undefined;
  const port = present(r.port) === undefined || r.port === '0' ? undefined : Number(r.port);
  const user = present(r.user);
  const domain = present(r.domain);
  const reasonCode = /^%%(\d+)$/.exec(r.failureReason ?? '')?.[1];
  const reason = reasonCode === undefined ? present(r.failureReason) : (FAILURE_REASONS[reasonCode] ?? r.failureReason);
  const logonType = present(r.logonType);
  return {
    '@timestamp': r.timestamp,
    event: {
      code: r.eventId,
      provider: 'Microsoft-Windows-Security-Auditing',
      ...(failed || succeeded
        ? { category: ['authentication'], type: ['start'], action: failed ? 'logon-failed' : 'logged-in', outcome: failed ? ('failure' as const) : ('success' as const) }
        : { action: `windows-event-${r.eventId}` }),
    },
    ...(user === undefined ? {} : { user: { name: user, ...(domain === undefined ? {} : { domain }) } }),
    ...(sourceIp === undefined ? {} : { source: { ip: sourceIp, ...(port === undefined || Number.isNaN(port) ? {} : { port }) } }),
    ...(r.computer === undefined ? {} : { host: { name: r.computer } }),
    winlog: {
      event_id: r.eventId,
      ...(r.channel === undefined ? {} : { channel: r.channel }),
      ...(r.computer === undefined ? {} : { computer_name: r.computer }),
      ...(logonType === undefined ? {} : { logon: { type: LOGON_TYPES[logonType] ?? logonType } }),
    },
    ...(sourceIp !== undefined || user !== undefined ? { related: { ...(sourceIp === undefined ? {} : { ip: [sourceIp] }), ...(user === undefined ? {} : { user: [user] }) } } : {}),
    ...(failed ? { tags: ['auth_failure'] } : succeeded ? { tags: ['auth_success'] } : {}),
    vigil: {
      windows: {
        ...(logonType === undefined ? {} : { logon_type: logonType }),
        ...(reason === undefined ? {} : { failure_reason: reason }),
        ...(reasonCode === undefined ? {} : { failure_reason_code: `%%${reasonCode}` }),
        ...(present(r.status) === undefined ? {} : { status: r.status }),
        ...(present(r.subStatus) === undefined ? {} : { sub_status: r.subStatus }),
      },
    },
  };
}
