import type { NetfilterDetails } from './details.ts';

/**
 * The `KEY=value` / `FLAG` list that the kernel's nf_log (iptables `-j LOG`, nftables `log`) and
 * Proxmox's pve-firewall print. One left-to-right pass over the tokens, no regex.
 */

/** What the ECS fields need from the key list; everything else goes straight to `details`. */
export interface RawPacket {
  in?: string;
  out?: string;
  mac?: string;
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
  return { in: undefined, out: undefined, mac: undefined, src: undefined, dst: undefined, proto: undefined, spt: undefined, dpt: undefined, inner: undefined, details: {} };
}

/**
 * Reads the key list of `s` from `start` to the end of the string, in one pass over the characters:
 * each key is identified by {@link keyCode} and each value's decimal reading is computed while its
 * end is searched, so no token string is made unless a value is kept as text.
 */
export function readPacket(s: string, start: number): RawPacket {
  const p = emptyPacket();
  const n = s.length;
  let afterProto = false;
  let inner = false;
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
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
    while (k < n && kc !== EQ && kc !== SPACE) kc = s.charCodeAt(++k);
    if (kc !== EQ) {
      let b = k;
      if (s.charCodeAt(b - 1) === 93) b -= 1;
      if (!inner) readFlag(keyCode(b - i, c, s.charCodeAt(i + 1), b - i > 2 ? s.charCodeAt(i + 2) : EQ), p, afterProto);
      else if (b !== k) inner = false;
      i = k;
      continue;
    }
    // value: up to the next space; its decimal reading on the way
    const v = k + 1;
    let e = v;
    let num = 0;
    let bad = -1;
    while (e < n) {
      const d = s.charCodeAt(e);
      if (d === SPACE) break;
      if (d >= 48 && d <= 57) num = num * 10 + (d - 48);
      else if (bad === -1) bad = e;
      e++;
    }
    let b = e;
    const closes = s.charCodeAt(b - 1) === 93;
    if (closes) b -= 1;
    const value = b > v && b - v <= 15 && (bad === -1 || bad >= b) ? num : undefined;
    const key = keyCode(k - i, c, s.charCodeAt(i + 1), s.charCodeAt(i + 2));
    if (inner) readInner(s, key, v, b, value, p);
    else afterProto = readValue(s, key, v, b, value, p, afterProto);
    if (closes) inner = false;
    i = e;
  }
  return p;
}

function readInner(s: string, key: number, v: number, b: number, value: number | undefined, p: RawPacket): void {
  const q = p.inner as NonNullable<RawPacket['inner']>;
  if (key === K.SRC) q.src = s.slice(v, b);
  else if (key === K.DST) q.dst = s.slice(v, b);
  else if (key === K.PROTO) q.proto = s.slice(v, b);
  else if (key === K.SPT) q.spt = value;
  else if (key === K.DPT) q.dpt = value;
}

/**
 * One `KEY=value` (`value` = its decimal reading, undefined when it is not a number); returns
 * whether `PROTO=` has been seen (it changes what `LEN=`/`ID=`/`SEQ=` mean).
 */
function readValue(s: string, k: number, v: number, b: number, value: number | undefined, p: RawPacket, afterProto: boolean): boolean {
  const d = p.details;
  switch ((k >>> 16) & 0xff) {
    case 65: // A
      if (k === K.ACK && value !== undefined) d.ack = value;
      break;
    case 67: // C
      if (k === K.CODE && value !== undefined) d.icmp_code = value;
      break;
    case 68: // D
      if (k === K.DST) p.dst = s.slice(v, b);
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
      if (k === K.MAC) p.mac = s.slice(v, b);
      else if (k === K.MARK) setHex(d, 'mark', s, v, b);
      else if (k === K.MTU && value !== undefined) d.mtu = value;
      break;
    case 79: // O
      if (k === K.OUT) p.out = s.slice(v, b);
      break;
    case 80: // P
      if (k === K.PROTO) {
        p.proto = s.slice(v, b);
        return true;
      }
      if (k === K.PREC) setHex(d, 'prec', s, v, b);
      else if (k === K.PHYSIN && b > v) d.physin = s.slice(v, b);
      else if (k === K.PHYSOUT && b > v) d.physout = s.slice(v, b);
      break;
    case 82: // R
      if (k === K.RES) setHex(d, 'res', s, v, b);
      break;
    case 83: // S
      if (k === K.SRC) p.src = s.slice(v, b);
      else if (k === K.SPT) p.spt = value;
      else if (k === K.SEQ && value !== undefined) {
        if (p.proto === 'TCP') d.seq = value;
        else d.icmp_seq = value;
      } else if (k === K.SPI) setHex(d, 'spi', s, v, b);
      break;
    case 84: // T
      if (k === K.TTL && value !== undefined) d.ttl = value;
      else if (k === K.TOS) setHex(d, 'tos', s, v, b);
      else if (k === K.TYPE && value !== undefined) d.icmp_type = value;
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

function setHex(d: NetfilterDetails, key: 'mark' | 'prec' | 'res' | 'spi' | 'tos', s: string, v: number, b: number): void {
  const value = hex(s, v, b);
  if (value !== undefined) d[key] = value;
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

/** Hexadecimal `0x1c` or bare `1C` (`TOS=00` on some firmware) as a number, else undefined. */
export function hex(s: string, a: number, b: number): number | undefined {
  if (b - a > 2 && s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) | 0x20) === 120) a += 2;
  if (b <= a || b - a > 13) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else return undefined;
    v = v * 16 + d;
  }
  return v;
}
