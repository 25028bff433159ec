import type { EcsEvent } from '@vigil/core';
import type { ParsedFields } from '../types.ts';

/** `vigil.sudo.*`: the sudo log line's fields that ECS has no place for (Filebeat's `system.auth.sudo.*`). */
export interface SudoDetails {
  /** Why sudo refused (`user NOT in sudoers`, `3 incorrect password attempts`), when it did. */
  error?: string;
  tty?: string;
  pwd?: string;
  group?: string;
  command?: string;
}

export type SudoFields = Omit<ParsedFields, '@timestamp' | 'event'> & { event: Partial<EcsEvent['event']> & { dataset: 'auth' } };

/**
 * `sudo:` lines: `<user> : [<error> ; ]TTY=<tty> ; PWD=<dir> ; USER=<target> ; COMMAND=<command>`.
 * As Elastic's system.auth pipeline: `user.name` the invoking user, `user.effective.name` the
 * target (`USER=`), `related.user` both. Action `sudo_command` (Elastic sets none), outcome
 * `failure` when sudo logged an error, else `success`. `COMMAND=` is last and taken whole (it may
 * contain ` ; `). Undefined for other sudo messages.
 */
export function decodeSudo(message: string): SudoFields | undefined {
  let i = 0;
  while (message.charCodeAt(i) === 32) i++;
  const colon = message.indexOf(' : ', i);
  if (colon === -1 || colon - i > 64) return undefined;
  const user = message.slice(i, colon).trim();
  const { details: d, target } = readFields(message, colon + 3);
  if (d.command === undefined || user === '') return undefined;
  const out: SudoFields = {
    event: { dataset: 'auth', action: 'sudo_command', outcome: d.error === undefined ? 'success' : 'failure' },
    user: target === undefined ? { name: user } : { name: user, effective: { name: target } },
    related: { user: target !== undefined && target !== user ? [user, target] : [user] },
    vigil: { sudo: d },
  };
  return out;
}

function readFields(m: string, p: number): { details: SudoDetails; target?: string } {
  const d: SudoDetails = {};
  let target: string | undefined;
  let first = true;
  while (p < m.length) {
    if (m.startsWith('COMMAND=', p)) {
      d.command = m.slice(p + 8);
      break;
    }
    let semi = m.indexOf(' ; ', p);
    if (semi === -1) semi = m.length;
    const eq = m.indexOf('=', p);
    if (eq !== -1 && eq < semi) {
      const key = m.slice(p, eq);
      if (key === 'USER') target = m.slice(eq + 1, semi);
      else assign(d, key, m.slice(eq + 1, semi));
    }
    else if (first) d.error = m.slice(p, semi);
    first = false;
    p = semi + 3;
  }
  return target === undefined ? { details: d } : { details: d, target };
}

function assign(d: SudoDetails, key: string, value: string): void {
  if (key === 'TTY') d.tty = value;
  else if (key === 'PWD') d.pwd = value;
  else if (key === 'GROUP') d.group = value;
}
