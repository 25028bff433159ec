/**
 * Proxmox VE firewall log (`/var/log/pve-firewall.log`):
 * `VMID LOGLEVEL CHAIN DD/Mon/YYYY:HH:MM:SS ±HHMM <prefix: >IN=... SRC=...`.
 */
import type { SyslogHeader } from './model.ts';
import { newHeader } from './tag.ts';
import { clfTimestamp, monthAt } from './timestamp.ts';

// Anchored, no nested quantifiers: each group is a run of one character class followed by a literal.
const PVE = /^(\d{1,10}) (\d{1,2}) (\S{1,64}) (\d\d)\/([A-Z][a-z][a-z])\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) /;

/** Cheap shape test for `detect`. */
export function looksPve(line: string): boolean {
  const c = line.charCodeAt(0);
  return c >= 48 && c <= 57 && PVE.test(line);
}

/** The header of a pve-firewall line, or undefined when `line` is not one. */
export function readPve(line: string): SyslogHeader | undefined {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const m = PVE.exec(line);
  if (m === null) return undefined;
  const [all, vmid, level, chain, day, mon, year, h, mi, s, sign, oh, om] = m as unknown as string[];
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const month = monthAt(mon as string, 0);
  const iso = month === 0 ? undefined : clfTimestamp(Number(day), month, Number(year), Number(h), Number(mi), Number(s), offset);
  if (iso === undefined) return undefined;
  const header = newHeader(iso, false, line.slice((all as string).length), (all as string).length);
  header.program = 'pve-firewall';
  header.pve = { vmid: Number(vmid), log_level: Number(level), chain: chain as string };
  return header;
}
