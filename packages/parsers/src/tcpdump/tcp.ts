import { cursor, readNumber } from './scan.ts';

/** The TCP part of a packet line: `Flags [S], seq 1, win 64240, options [mss 1460,...], length 0`. */
export interface TcpDetails {
  /** As printed: `S`, `S.`, `P.`, `FP.`, `none`. */
  flags: string;
  seq?: number;
  /** Last sequence number of a range (`seq 1:22`). */
  seq_end?: number;
  ack?: number;
  win?: number;
  urg?: number;
  /** The text inside `options [...]`, e.g. `mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`. */
  options?: string;
  length?: number;
  /** What follows the length: the payload decoder's output (`SSH: SSH-2.0-...`, `BGP`) or `[|tcp]`. */
  info?: string;
}

/** tcpdump's flag letters and the word each gives `event.action`. */
const FLAG_WORDS: Record<string, string> = { F: 'fin', S: 'syn', R: 'rst', P: 'push', '.': 'ack', U: 'urg', E: 'ece', W: 'cwr', e: 'ae' };
const actions = new Map<string, string>();

/** `tcp_syn` for `S`, `tcp_syn_ack` for `S.`, `tcp_fin_push_ack` for `FP.`, `tcp_none` for `none`. */
export function flagsAction(flags: string): string {
  if (flags === 'S') return 'tcp_syn';
  let action = actions.get(flags);
  if (action === undefined) {
    const words = flags === 'none' || flags === '' ? ['none'] : [...flags].map((f) => FLAG_WORDS[f] ?? (/^[a-z0-9]$/i.test(f) ? f.toLowerCase() : 'x'));
    action = `tcp_${words.join('_')}`;
    if (actions.size < 256) actions.set(flags, action); // bounded: flags come from the input
  }
  return action;
}

/** Index just past the `]` that closes the `[` at `open` (brackets nest: `flags [H]`, `scps[bad opt]`), or -1. */
function closeBracket(s: string, open: number): number {
  const close = s.indexOf(']', open + 1);
  const inner = s.indexOf('[', open + 1);
  if (inner === -1 || inner > close) return close === -1 ? -1 : close + 1; // the usual case: nothing nested
  let depth = 0;
  for (let i = open; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c === 91) depth += 1;
    else if (c === 93 && --depth === 0) return i + 1;
  }
  return -1;
}

/** `key` followed by a space at `k` (its first letter is already checked). */
function isKey(s: string, k: number, key: string): boolean {
  const n = key.length;
  if (s.charCodeAt(k + n) !== 32) return false;
  for (let j = 1; j < n; j += 1) if (s.charCodeAt(k + j) !== key.charCodeAt(j)) return false;
  return true;
}

/** Reads one `, key value` item at `k` (just after the comma and space) into `t`; returns where it ends, or -1 after `length`. */
function readItem(s: string, k: number, t: TcpDetails): number {
  const c = s.charCodeAt(k);
  if (c === 111 /* o */ && s.startsWith('options [', k)) {
    const end = closeBracket(s, k + 8);
    if (end === -1) return s.length;
    t.options = s.slice(k + 9, end - 1);
    return end;
  }
  if (c === 115 /* s */ && isKey(s, k, 'seq')) {
    t.seq = readNumber(s, k + 4);
    if (s.charCodeAt(cursor.end) !== 58) return cursor.end;
    t.seq_end = readNumber(s, cursor.end + 1);
    return cursor.end;
  }
  if (c === 97 /* a */ && isKey(s, k, 'ack')) t.ack = readNumber(s, k + 4);
  else if (c === 119 /* w */ && isKey(s, k, 'win')) t.win = readNumber(s, k + 4);
  else if (c === 117 /* u */ && isKey(s, k, 'urg')) t.urg = readNumber(s, k + 4);
  else if (c === 108 /* l */ && isKey(s, k, 'length')) {
    t.length = readNumber(s, k + 7);
    return -1 - cursor.end;
  } else {
    const next = s.indexOf(', ', k); // an item not kept (`cksum 0x1c46 (correct)`)
    return next === -1 ? s.length : next;
  }
  return cursor.end;
}

/** What follows `length N`: `: SSH: SSH-2.0-...` or ` [|tcp]`. */
function tail(s: string, end: number): string | undefined {
  if (end >= s.length) return undefined;
  const info = (s.charCodeAt(end) === 58 ? s.slice(end + 1) : s.slice(end)).trim();
  return info === '' ? undefined : info;
}

/** The TCP details of `s` from `at`, which starts with `Flags [`. */
export function readTcp(s: string, at: number): TcpDetails {
  const close = s.indexOf(']', at + 7);
  const t: TcpDetails = { flags: close === -1 ? '' : s.slice(at + 7, close) };
  let q = close === -1 ? s.length : close + 1;
  while (q >= 0 && s.charCodeAt(q) === 44 && s.charCodeAt(q + 1) === 32) q = readItem(s, q + 2, t);
  const info = tail(s, q < 0 ? -1 - q : q);
  if (info !== undefined) t.info = info;
  if (Number.isNaN(t.seq) || Number.isNaN(t.ack) || Number.isNaN(t.win) || Number.isNaN(t.length) || Number.isNaN(t.seq_end) || Number.isNaN(t.urg)) dropNaN(t);
  return t;
}

/** Removes numbers that were not there (`seq ` followed by no digits): rare, malformed lines only. */
function dropNaN(t: TcpDetails): void {
  for (const key of ['seq', 'seq_end', 'ack', 'win', 'urg', 'length'] as const) if (Number.isNaN(t[key])) delete t[key];
}
