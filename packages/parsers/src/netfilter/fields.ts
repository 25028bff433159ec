import type { NetfilterDetails } from './details.ts';
import { parseIp } from './ip.ts';

/**
 * The `KEY=value` / `FLAG` list that the kernel's nf_log (iptables `-j LOG`, nftables `log`) and
 * Proxmox's pve-firewall print. One left-to-right pass over the tokens, no regex.
 */

/** What the ECS fields need from the key list; everything else goes straight to `details`. */
export interface RawPacket {
  in?: string;
  out?: string;
  /** Where the last `MAC=` value is in the line (`macAt` -1: none); decode.ts reads it in place. */
  macAt: number;
  macEnd: number;
  /** `SRC=` / `DST=` as {@link parseIp} returns them: undefined when absent or not an IP address. */
  src?: string;
  dst?: string;
  proto?: string;
  spt?: number;
  dpt?: number;
  /** The packet quoted inside an ICMP error (`[SRC=... DST=... PROTO=UDP SPT=.. DPT=..]`). */
  inner?: { src?: string; dst?: string; proto?: string; spt?: number; dpt?: number };
  /** `vigil.netfilter`, filled while reading (no second copy). */
  details: NetfilterDetails;
}

const SPACE = 32;
const EQ = 61;

/** A key's identity: its length and first three characters packed in one integer (no string made). */
function keyCode(len: number, c0: number, c1: number, c2: number): number {
  return len * 16_777_216 + c0 * 65_536 + c1 * 256 + c2;
}

function code(word: string): number {
  return keyCode(word.length, word.charCodeAt(0), word.charCodeAt(1), word.length > 2 ? word.charCodeAt(2) : EQ);
}

const K = {
  IN: code('IN'), ID: code('ID'), TC: code('TC'), OUT: code('OUT'), MAC: code('MAC'), SRC: code('SRC'), DST: code('DST'),
  LEN: code('LEN'), TOS: code('TOS'), TTL: code('TTL'), SPT: code('SPT'), DPT: code('DPT'), RES: code('RES'), SEQ: code('SEQ'),
  ACK: code('ACK'), SPI: code('SPI'), MTU: code('MTU'), UID: code('UID'), GID: code('GID'), PREC: code('PREC'), URGP: code('URGP'),
  TYPE: code('TYPE'), CODE: code('CODE'), MARK: code('MARK'), PROTO: code('PROTO'), WINDOW: code('WINDOW'), PHYSIN: code('PHYSIN'),
  FLOWLBL: code('FLOWLBL'), PHYSOUT: code('PHYSOUT'), HOPLIMIT: code('HOPLIMIT'),
};
const FRAGMENT_FLAGS = new Map(['CE', 'DF', 'MF'].map((f) => [code(f), f]));
const TCP_FLAGS = new Map(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'].map((f) => [code(f), f]));

function emptyPacket(): RawPacket {
  return { in: undefined, out: undefined, macAt: -1, macEnd: -1, src: undefined, dst: undefined, proto: undefined, spt: undefined, dpt: undefined, inner: undefined, details: {} };
}

/**
 * Reads the key list of `s` from `start` to the end of the string, in one pass over its code units `u`
 * (units.ts): each key is identified by {@link keyCode} and each value's decimal reading is computed
 * while its end is searched, so no token string is made unless a value is kept as text.
 */
export function readPacket(s: string, u: Uint16Array, start: number): RawPacket {
  const p = emptyPacket();
  const n = s.length;
  let afterProto = false;
  let inner = false;
  let i = start;
  while (i < n) {
    const c = u[i] as number;
    if (c === SPACE) {
      i++;
      continue;
    }
    if (c === 91 /* [ */) {
      if (s.startsWith('[SRC=', i)) {
        inner = true;
        p.inner = {};
        i++;
        continue;
      }
      const sp = s.indexOf(' ', i); // `[65535 bytes]` after INCOMPLETE, and the like
      i = sp === -1 ? n : sp;
      continue;
    }
    if (c === 93 /* ] */) {
      inner = false;
      i++;
      continue;
    }
    let k = i;
    let kc = c;
    while (k < n && kc !== EQ && kc !== SPACE) kc = u[++k] as number;
    if (kc !== EQ) {
      let b = k;
      if (u[b - 1] === 93) b -= 1;
      if (!inner) readFlag(keyCode(b - i, c, u[i + 1] as number, b - i > 2 ? (u[i + 2] as number) : EQ), p, afterProto);
      else if (b !== k) inner = false;
      i = k;
      continue;
    }
    // value: up to the next space. Its leading digits are read as a number on the way; digits after
    // a non-digit (a MAC address, `0x00`) are not, so that no large double is built for nothing.
    const v = k + 1;
    let e = v;
    let num = 0;
    for (let d = u[e] as number; e < n && d >= 48 && d <= 57; d = u[++e] as number) num = num * 10 + (d - 48);
    const digitsEnd = e;
    while (e < n && u[e] !== SPACE) e++;
    let b = e;
    const closes = u[b - 1] === 93;
    if (closes) b -= 1;
    const value = b > v && b - v <= 15 && digitsEnd >= b ? num : undefined;
    const key = keyCode(k - i, c, u[i + 1] as number, u[i + 2] as number);
    if (inner) readInner(s, u, key, v, b, value, p);
    else afterProto = readValue(s, u, key, v, b, value, p, afterProto);
    if (closes) inner = false;
    i = e;
  }
  return p;
}

function readInner(s: string, u: Uint16Array, key: number, v: number, b: number, value: number | undefined, p: RawPacket): void {
  const q = p.inner as NonNullable<RawPacket['inner']>;
  if (key === K.SRC) q.src = ipAt(s, v, b);
  else if (key === K.DST) q.dst = ipAt(s, v, b);
  else if (key === K.PROTO) q.proto = s.slice(v, b);
  else if (key === K.SPT) q.spt = value;
  else if (key === K.DPT) q.dpt = value;
}

/**
 * One `KEY=value` (`value` = its decimal reading, undefined when it is not a number); returns
 * whether `PROTO=` has been seen (it changes what `LEN=`/`ID=`/`SEQ=` mean).
 */
function readValue(s: string, u: Uint16Array, k: number, v: number, b: number, value: number | undefined, p: RawPacket, afterProto: boolean): boolean {
  const d = p.details;
  switch ((k >>> 16) & 0xff) {
    case 65: // A
      if (k === K.ACK && value !== undefined) d.ack = value;
      break;
    case 67: // C
      if (k === K.CODE && value !== undefined) d.icmp_code = value;
      break;
    case 68: // D
      if (k === K.DST) p.dst = ipAt(s, v, b);
      else if (k === K.DPT) p.dpt = value;
      break;
    case 70: // F
      if (k === K.FLOWLBL && value !== undefined) d.flowlbl = value;
      break;
    case 71: // G
      if (k === K.GID && value !== undefined) d.gid = value;
      break;
    case 72: // H
      if (k === K.HOPLIMIT && value !== undefined) d.hoplimit = value;
      break;
    case 73: // I
      if (k === K.IN) p.in = s.slice(v, b);
      else if (k === K.ID && value !== undefined) {
        if (afterProto) d.icmp_id = value;
        else d.id = value;
      }
      break;
    case 76: // L
      if (k === K.LEN && value !== undefined) {
        if (afterProto) d.udp_len = value;
        else d.len = value;
      }
      break;
    case 77: // M
      if (k === K.MAC) {
        p.macAt = v;
        p.macEnd = b;
      } else if (k === K.MARK) {
        const x = hex(u, v, b); // direct stores: one dynamic `d[key] =` site is a slow keyed store
        if (x !== undefined) d.mark = x;
      } else if (k === K.MTU && value !== undefined) d.mtu = value;
      break;
    case 79: // O
      if (k === K.OUT) p.out = s.slice(v, b);
      break;
    case 80: // P
      if (k === K.PROTO) {
        p.proto = s.slice(v, b);
        return true;
      }
      if (k === K.PREC) {
        const x = hex(u, v, b);
        if (x !== undefined) d.prec = x;
      } else if (k === K.PHYSIN && b > v) d.physin = s.slice(v, b);
      else if (k === K.PHYSOUT && b > v) d.physout = s.slice(v, b);
      break;
    case 82: // R
      if (k === K.RES) {
        const x = hex(u, v, b);
        if (x !== undefined) d.res = x;
      }
      break;
    case 83: // S
      if (k === K.SRC) p.src = ipAt(s, v, b);
      else if (k === K.SPT) p.spt = value;
      else if (k === K.SEQ && value !== undefined) {
        if (p.proto === 'TCP') d.seq = value;
        else d.icmp_seq = value;
      } else if (k === K.SPI) {
        const x = hex(u, v, b);
        if (x !== undefined) d.spi = x;
      }
      break;
    case 84: // T
      if (k === K.TTL && value !== undefined) d.ttl = value;
      else if (k === K.TOS) {
        const x = hex(u, v, b);
        if (x !== undefined) d.tos = x;
      } else if (k === K.TYPE && value !== undefined) d.icmp_type = value;
      else if (k === K.TC && value !== undefined) d.tc = value;
      break;
    case 85: // U
      if (k === K.URGP && value !== undefined) d.urgp = value;
      else if (k === K.UID && value !== undefined) d.uid = value;
      break;
    case 87: // W
      if (k === K.WINDOW && value !== undefined) d.window = value;
      break;
  }
  return afterProto;
}

/** The address in `s[v, b)`, validated and canonical as {@link parseIp} gives it. */
function ipAt(s: string, v: number, b: number): string | undefined {
  return parseIp(s.slice(v, b));
}

/** `DF`/`CE`/`MF` before `PROTO=`, TCP flags after it; anything else (`OPT`, `(0204...)`) is skipped. */
function readFlag(k: number, p: RawPacket, afterProto: boolean): void {
  if (!afterProto) {
    const f = FRAGMENT_FLAGS.get(k);
    if (f !== undefined) (p.details.fragment_flags ??= []).push(f);
  } else {
    const f = TCP_FLAGS.get(k);
    if (f !== undefined) (p.details.flags ??= []).push(f);
  }
}

/** Decimal digits `s[a, b)` as a number (at most 15 digits), else undefined. */
export function dec(s: string, a: number, b: number): number | undefined {
  if (b <= a || b - a > 15) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v;
}

/** Hexadecimal `0x1c` or bare `1C` (`TOS=00` on some firmware) in `u[a, b)` as a number, else undefined. */
export function hex(u: Uint16Array, a: number, b: number): number | undefined {
  if (b - a > 2 && u[a] === 48 && ((u[a + 1] as number) | 0x20) === 120) a += 2;
  if (b <= a || b - a > 13) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = u[i] as number;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else return undefined;
    v = v * 16 + d;
  }
  return v;
}
