import type { EventData } from './event.ts';

/**
 * Labels of the 4624/4625 descriptions (Microsoft's layout), so that a value on a flattened one-line
 * rendering (OSSEC's WinEvtLog, seed 001) ends where the next label starts.
 */
const LABELS = [
  'Security ID:', 'Account Name:', 'Account Domain:', 'Logon ID:', 'Logon Type:', 'Failure Reason:', 'Status:', 'Sub Status:',
  'Caller Process ID:', 'Caller Process Name:', 'Workstation Name:', 'Source Network Address:', 'Source Port:', 'Logon Process:',
  'Authentication Package:', 'Failure Information:', 'Process Information:', 'Network Information:', 'Detailed Authentication Information:',
  'Account For Which Logon Failed:', 'New Logon:', 'Logon Information:', 'Subject:', 'Impersonation Level:', 'Restricted Admin Mode:',
  'Virtual Account:', 'Elevated Token:', 'Linked Logon ID:', 'Network Account Name:', 'Network Account Domain:', 'Logon GUID:',
  'Process ID:', 'Process Name:', 'Transited Services:', 'Package Name (NTLM only):', 'Key Length:', 'This event is generated',
  'Remote Credential Guard:', 'Elevated Token:',
];

/**
 * The value after the `label` found at or after `from` (the last one when `last`): up to the end of
 * its line, or to the next known label on a one-line rendering. Linear: one indexOf per label.
 */
export function labelValue(text: string, label: string, from = 0, last = false): string | undefined {
  const at = last ? text.lastIndexOf(label) : text.indexOf(label, from);
  if (at === -1 || at < from) return undefined;
  const start = at + label.length;
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  for (const next of LABELS) {
    const n = text.indexOf(` ${next}`, start);
    if (n !== -1 && n < end) end = n;
  }
  return text.slice(start, end).trim();
}

/** Where the account the event is about is described: `Account For Which Logon Failed:` (4625) or `New Logon:` (4624). */
function accountSection(text: string, eventId: string): number {
  const at = text.indexOf(eventId === '4625' ? 'Account For Which Logon Failed:' : 'New Logon:');
  return at === -1 ? 0 : at;
}

/**
 * The event data of a rendered 4624/4625 description: the account of its own section (the Subject
 * is someone else), the logon type, the failure, and the network fields. The account name is chosen by
 * whoever logs on and may contain `Source Network Address: x`; the real network fields come after the
 * account sections, so their last occurrence is read.
 */
export function readDescription(text: string, eventId: string): EventData {
  const section = accountSection(text, eventId);
  const failure = text.indexOf('Failure Information:');
  const subject = text.indexOf('Subject:');
  const entries: Array<[string, string | undefined]> = [
    ['TargetUserSid', labelValue(text, 'Security ID:', section)],
    ['TargetUserName', labelValue(text, 'Account Name:', section)],
    ['SubjectUserSid', subject === -1 || subject > section ? undefined : labelValue(text, 'Security ID:', subject)],
    ['TargetDomainName', labelValue(text, 'Account Domain:', section)],
    ['SubjectUserName', subject === -1 || subject > section ? undefined : labelValue(text, 'Account Name:', subject)],
    ['SubjectDomainName', subject === -1 || subject > section ? undefined : labelValue(text, 'Account Domain:', subject)],
    ['LogonType', labelValue(text, 'Logon Type:')],
    ['FailureReason', labelValue(text, 'Failure Reason:')],
    ['Status', failure === -1 ? undefined : labelValue(text, 'Status:', failure)],
    ['SubStatus', labelValue(text, 'Sub Status:')],
    ['WorkstationName', labelValue(text, 'Workstation Name:', 0, true)],
    ['IpAddress', labelValue(text, 'Source Network Address:', 0, true)],
    ['IpPort', labelValue(text, 'Source Port:', 0, true)],
    ['LogonProcessName', labelValue(text, 'Logon Process:', 0, true)],
    ['AuthenticationPackageName', labelValue(text, 'Authentication Package:', 0, true)],
    ['ProcessName', labelValue(text, eventId === '4625' ? 'Caller Process Name:' : 'Process Name:', section)],
  ];
  const data: EventData = {};
  for (const [key, value] of entries) if (value !== undefined) data[key] = value;
  return data;
}

/** The first non-empty line of a description (`An account failed to log on.`), or its first sentence on one line. */
export function titleOf(text: string): string | undefined {
  const line = text.trimStart().split('\n', 1)[0]?.replace(/^"+/, '').trim();
  if (line === undefined || line === '') return undefined;
  const dot = line.indexOf('. ');
  return (dot === -1 ? line : line.slice(0, dot + 1)).slice(0, 200);
}
