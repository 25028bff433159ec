/** Hands a syslog message to the decoder of its program: sshd/PAM, sudo, account management, netfilter. */
import type { ParsedFields } from '../types.ts';
import { decodeNetfilter } from '../netfilter/decode.ts';
import { decodePam, decodeSshd, isPamTag, isSshdProgram } from '../sshd/index.ts';
import type { SyslogHeader } from './model.ts';
import { decodeSudo } from './sudo.ts';
import { decodeIam, IAM_PROGRAMS } from './iam.ts';

/** What a decoder adds to the header's fields. */
export type Enrichment = Omit<ParsedFields, '@timestamp'>;

/** Decoded fields, and whether the header's "program" was really a firewall log prefix. */
export interface Decoded {
  fields: Enrichment;
  tagWasPrefix: boolean;
}

/** The decoder's fields for this line (`h` read from `line`), or undefined for a plain syslog message. */
export function enrich(h: SyslogHeader, line: string): Decoded | undefined {
  const { program, message } = h;
  if (program !== undefined) {
    if (isSshdProgram(program)) return { fields: decodeSshd(program, message), tagWasPrefix: false };
    if (message.startsWith('pam_') || isPamTag(program)) {
      const pam = decodePam(program, message);
      if (pam !== undefined) return { fields: pam, tagWasPrefix: false };
    }
    if (program === 'sudo') {
      const sudo = decodeSudo(message);
      if (sudo !== undefined) return { fields: sudo, tagWasPrefix: false };
    }
    if (IAM_PROGRAMS.has(program)) {
      const iam = decodeIam(message);
      if (iam !== undefined) return { fields: iam, tagWasPrefix: false };
    }
  }
  return message.indexOf('SRC=') === -1 ? undefined : netfilter(h, line);
}

/**
 * Kernel LOG lines. A host-less line such as `Jan  8 03:37:09 DENY: IN=eth0 ...` reads as program
 * `DENY`; when the message has no prefix of its own and the tag has no pid, the tag is the prefix.
 */
function netfilter(h: SyslogHeader, line: string): Decoded | undefined {
  const fallback = h.pid === undefined && h.program !== 'kernel' ? h.tagText : undefined;
  const fields = decodeNetfilter(line, fallback === undefined ? { offset: h.messageAt } : { offset: h.messageAt, fallbackPrefix: fallback });
  if (fields === undefined) return undefined;
  if (h.pve !== undefined) Object.assign(fields.vigil.netfilter, h.pve);
  const prefix = fields.vigil.netfilter.prefix;
  return { fields, tagWasPrefix: fallback !== undefined && prefix === fallback.trim() && !h.message.includes(prefix) };
}
