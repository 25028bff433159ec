/** Logon type numbers and the names Winlogbeat writes in `winlog.logon.type`. */
export const LOGON_TYPES: Record<string, string> = {
  '0': 'System', '2': 'Interactive', '3': 'Network', '4': 'Batch', '5': 'Service', '7': 'Unlock', '8': 'NetworkCleartext',
  '9': 'NewCredentials', '10': 'RemoteInteractive', '11': 'CachedInteractive', '12': 'CachedRemoteInteractive', '13': 'CachedUnlock',
};

/** `%%NNNN` message ids of FailureReason (msobjs.dll), as the Event Viewer renders them. */
export const FAILURE_REASONS: Record<string, string> = {
  '2304': 'An Error occured during Logon.',
  '2305': 'The specified user account has expired.',
  '2306': 'The NetLogon component is not active.',
  '2307': 'Account locked out.',
  '2308': 'The user has not been granted the requested logon type at this machine.',
  '2309': "The specified account's password has expired.",
  '2310': 'Account currently disabled.',
  '2311': 'Account logon time restriction violation.',
  '2312': 'User not allowed to logon at this computer.',
  '2313': 'Unknown user name or bad password.',
};

/**
 * The 4625 Status / SubStatus codes Microsoft documents, worded as its table does; tells a bad user
 * from a bad password (`winlog.logon.failure.status` / `.sub_status`).
 */
export const FAILURE_STATUS: Record<string, string> = {
  '0xc000006d': 'bad user name or authentication information',
  '0xc000006e': 'account restriction',
  '0xc000005e': 'there are currently no logon servers available to service the logon request',
  '0xc0000192': 'the Netlogon service was not started',
  '0xc0000064': 'user name does not exist',
  '0xc000006a': 'user name is correct but the password is wrong',
  '0xc0000234': 'user is currently locked out',
  '0xc0000072': 'account is currently disabled',
  '0xc000006f': 'user tried to logon outside his day of week or time of day restrictions',
  '0xc0000070': 'workstation restriction',
  '0xc0000193': 'account expiration',
  '0xc0000071': 'expired password',
  '0xc0000133': 'clocks between DC and other computer too far out of sync',
  '0xc0000224': 'user is required to change password at next logon',
  '0xc000015b': 'the user has not been granted the requested logon type at this machine',
};

/** The logon type's name, from a number (`3` → `Network`) or a name already (`Network`). */
export function logonTypeName(value: string): string {
  return LOGON_TYPES[value] ?? value;
}

/** `%%2313` → its text and code; other text as is. */
export function failureReason(value: string): { text: string; code?: string } {
  const m = /^%%(\d{4})$/.exec(value);
  if (m === null) return { text: value };
  return { text: FAILURE_REASONS[m[1] as string] ?? value, code: value };
}

/** `An account was successfully logged on.` → `an-account-was-successfully-logged-on`, for `event.action` of other events. */
export function slug(title: string): string | undefined {
  const s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return s === '' ? undefined : s.slice(0, 80);
}
