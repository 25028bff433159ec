/**
 * OpenSSH server (`sshd`, `sshd-session`, `sshd-auth`) and Linux-PAM messages → ECS authentication,
 * session and network events in the `auth` dataset. Pure functions over the message text of a
 * syslog line; the syslog parser (src/syslog/) calls them and adds time, host and process.
 *
 * Actions, categories, types and outcomes are listed in README.md next to this file.
 *
 * @packageDocumentation
 */
import type { AuthFields } from './match.ts';
import { classify } from './messages.ts';
import { toFields } from './match.ts';
import { decodePam, isPamSummary } from './pam.ts';

export type { AuthDetails, AuthFields, AuthMatch } from './match.ts';
export { decodePam, isPamTag } from './pam.ts';

/**
 * True for the program tags whose lines {@link decodeSshd} owns: `sshd`, `sshd-session` (OpenSSH >=
 * 9.8 logs per-connection lines under it), `sshd-auth` (OpenSSH >= 10.0), `sshd(pam_unix)` (old PAM).
 */
export function isSshdProgram(program: string): boolean {
  switch (program) {
    case 'sshd':
    case 'sshd-session':
    case 'sshd-auth':
    case 'sshd(pam_unix)':
      return true;
    default:
      return false;
  }
}

/**
 * Decodes the message of an sshd line. Always returns fields: a line sshd wrote but no recogniser
 * knows is still an `auth` event (dataset only, no category, action or outcome), so that it is
 * stored with the other sshd lines without claiming to be an authentication.
 *
 * Untrusted input: user names and client texts are kept as logged (they may be empty, contain
 * spaces or look like `from 1.2.3.4 port 22`); addresses are validated before they become
 * `source.ip`, otherwise they stay in `source.address` (and `source.domain` for a host name).
 *
 * @param program the syslog program tag (see {@link isSshdProgram}).
 * @param message the syslog message, as logged.
 */
export function decodeSshd(program: string, message: string): AuthFields {
  if (program === 'sshd(pam_unix)') return decodePam(program, message) ?? { event: { dataset: 'auth' } };
  const { text, preauth } = normalize(message);
  if (mayBePam(text)) return decodePam(program, text) ?? { event: { dataset: 'auth' } };
  const match = classify(text, preauth);
  return match === undefined ? { event: { dataset: 'auth' } } : toFields(match, 'sshd');
}

/** `pam_...` or libpam's `PAM <n> more ...` summary; the first character rules out nearly every sshd line. */
function mayBePam(text: string): boolean {
  const c = text.charCodeAt(0);
  return (c === 112 /* p */ && text.startsWith('pam_')) || (c === 80 /* P */ && isPamSummary(text));
}

/**
 * Drops what does not change the meaning: trailing blanks, a ` [preauth]` tail (remembered), an
 * `error: `/`fatal: ` level and a Solaris `[ID 800047 auth.info] ` message id. Each is tested by its
 * first character before its text: most lines have none of them.
 */
function normalize(message: string): { text: string; preauth: boolean } {
  let end = trimmedEnd(message);
  let preauth = false;
  if (message.charCodeAt(end - 1) === 93 /* ] */ && message.startsWith(' [preauth]', end - 10)) {
    preauth = true;
    end = trimmedEnd(message, end - 10);
  }
  let start = 0;
  for (;;) {
    const c = message.charCodeAt(start);
    if ((c === 101 /* e */ && message.startsWith('error: ', start)) || (c === 102 /* f */ && message.startsWith('fatal: ', start))) start += 7;
    else if (c === 91 /* [ */ && message.startsWith('[ID ', start)) {
      const close = message.indexOf('] ', start);
      if (close === -1 || close - start > 40) break;
      start = close + 2;
    } else break;
  }
  if (start >= end) return { text: '', preauth };
  return { text: start === 0 && end === message.length ? message : message.slice(start, end), preauth };
}

function trimmedEnd(s: string, end: number = s.length): number {
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13) break;
    end--;
  }
  return end;
}
