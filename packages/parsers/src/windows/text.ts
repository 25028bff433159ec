import type { LogonRecord } from './logon.ts';

/** Labels of a logon event's description, in the order Windows writes them. */
const LABELS = [
  'Security ID:', 'Account Name:', 'Account Domain:', 'Logon ID:', 'Logon Type:', 'Failure Reason:', 'Status:', 'Sub Status:',
  'Caller Process ID:', 'Caller Process Name:', 'Workstation Name:', 'Source Network Address:', 'Source Port:', 'Logon Process:',
  'Authentication Package:', 'Failure Information:', 'Process Information:', 'Network Information:', 'Detailed Authentication Information:',
  'Account For Which Logon Failed:', 'New Logon:', 'Logon Information:', 'Subject:', 'Impersonation Level:', 'Restricted Admin Mode:',
  'Virtual Account:', 'Elevated Token:', 'Linked Logon ID:', 'Network Account Name:', 'Network Account Domain:', 'Logon GUID:',
  'Process ID:', 'Process Name:', 'Transited Services:', 'Package Name (NTLM only):', 'Key Length:', 'This event is generated',
];

/**
 * The value after `label`, searching from `from`: up to the end of the line (wevtutil text) or to the
 * next known label (the one-line form OSSEC's WinEvtLog writes). Linear: one indexOf per label.
 */
export function labelValue(text: string, label: string, from = 0, last = false): string | undefined {
  const at = last ? text.lastIndexOf(label) : text.indexOf(label, from);
  if (at === -1) return undefined;
  const start = at + label.length;
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  for (const next of LABELS) {
    const n = text.indexOf(` ${next}`, start);
    if (n !== -1 && n < end) end = n;
  }
  return text.slice(start, end).trim();
}

/** Reads the account, network and failure fields of a 4624/4625 description into `r`. */
export function readDescription(text: string, r: LogonRecord): void {
  const section = r.eventId === '4625' ? text.indexOf('Account For Which Logon Failed:') : text.indexOf('New Logon:');
  const from = section === -1 ? 0 : section;
  const set = <K extends keyof LogonRecord>(key: K, value: string | undefined) => {
    if (value !== undefined) r[key] = value as LogonRecord[K];
  };
  set('user', labelValue(text, 'Account Name:', from));
  set('domain', labelValue(text, 'Account Domain:', from));
  set('logonType', labelValue(text, 'Logon Type:'));
  set('failureReason', labelValue(text, 'Failure Reason:'));
  set('status', labelValue(text, 'Status:', text.indexOf('Failure Information:') === -1 ? 0 : text.indexOf('Failure Information:')));
  set('subStatus', labelValue(text, 'Sub Status:'));
  // The account name is chosen by whoever logs on and may contain "Source Network Address: x": the
  // real network fields follow the account sections, so the last occurrence is the real one.
  set('ip', labelValue(text, 'Source Network Address:', 0, true));
  set('port', labelValue(text, 'Source Port:', 0, true));
}
