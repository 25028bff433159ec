/** A Windows event, whatever shape it arrived in, before it becomes ECS. */
export interface WinEvent {
  /** Which reader produced it; `vigil.windows.format`. */
  format: 'wevtutil' | 'winlogbeat' | 'nxlog' | 'wazuh' | 'xml' | 'winevtlog';
  timestamp: string;
  /** `4625`. */
  eventId: string;
  computer?: string;
  channel?: string;
  provider?: string;
  /** From the record's keywords (`Audit Failure`, `AUDIT_SUCCESS`). */
  audit?: 'success' | 'failure';
  /** First line of the rendered description (`An account failed to log on.`). */
  title?: string;
  data: EventData;
}

/**
 * The event data under the names Windows gives them in `EventData` (`winlog.event_data`, as
 * Winlogbeat writes it). The named ones are those Vigil reads; XML and Winlogbeat/Wazuh JSON keep
 * every other `EventData` entry too.
 */
export interface EventData {
  [name: string]: string | undefined;
  TargetUserName?: string;
  TargetUserSid?: string;
  SubjectUserSid?: string;
  TargetDomainName?: string;
  SubjectUserName?: string;
  SubjectDomainName?: string;
  IpAddress?: string;
  IpPort?: string;
  LogonType?: string;
  FailureReason?: string;
  Status?: string;
  SubStatus?: string;
  WorkstationName?: string;
  LogonProcessName?: string;
  AuthenticationPackageName?: string;
  ProcessName?: string;
  TargetLogonId?: string;
}

/** The entries a rendered description or NXLog's flat JSON is read for. */
export const DATA_KEYS: readonly string[] = [
  'TargetUserName', 'TargetDomainName', 'TargetUserSid', 'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'IpAddress', 'IpPort', 'LogonType', 'FailureReason',
  'Status', 'SubStatus', 'WorkstationName', 'LogonProcessName', 'AuthenticationPackageName', 'ProcessName', 'TargetLogonId',
];

/** At most this many `EventData` entries are kept (a shipper's JSON cannot grow the mapping without bound). */
export const MAX_DATA_ENTRIES = 64;
/** An `EventData` name as Windows writes them (`TargetUserName`, `IpAddress`). */
export const DATA_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** `-`, empty and whitespace mean "absent" in Windows event data. */
export function present(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '-' ? undefined : t;
}

const AUDIT_FAILURE_BIT = 0x10n << 48n;
const AUDIT_SUCCESS_BIT = 0x20n << 48n;

/** The audit bits of a keywords mask (`0x8010000000000000`). */
function auditBits(mask: string): 'success' | 'failure' | undefined {
  const bits = BigInt(mask);
  if ((bits & AUDIT_FAILURE_BIT) !== 0n) return 'failure';
  return (bits & AUDIT_SUCCESS_BIT) !== 0n ? 'success' : undefined;
}

/** `Audit Failure`, `AUDIT_FAILURE`, `auditFailure`, `0x8010000000000000` → `failure`. */
export function auditOf(keyword: string | undefined): 'success' | 'failure' | undefined {
  if (keyword !== undefined && /^0x[0-9a-f]{1,16}$/i.test(keyword.trim())) return auditBits(keyword.trim());
  const k = keyword?.toLowerCase().replace(/[^a-z]/g, '');
  if (k === undefined) return undefined;
  if (k.includes('auditfailure')) return 'failure';
  return k.includes('auditsuccess') ? 'success' : undefined;
}
