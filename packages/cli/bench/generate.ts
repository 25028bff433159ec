// Log lines for bench:cli, generated here rather than read from the fixtures: a million lines of an
// attack in progress, with thousands of sources, many hosts, and a clock that starts three seconds
// before a year ends (the RFC 3164 year turns inside the run). Deterministic: the same seed gives the
// same file, so two runs (and vigil next to lognormalizer) read the same bytes.
import { createWriteStream } from 'node:fs';

/** The formats bench:cli measures: `vigil parse --source <source>`, and the lognormalizer rulebase of the same name. */
export type BenchFormat = 'sshd' | 'netfilter' | 'tcpdump';

/** Park-Miller: small, fast, and the same sequence everywhere. */
function random(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `Dec 31 23:59:57`, day padded with a space as syslog writes it. */
function bsdTime(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-12-31 23:59:57.123456`, as `tcpdump -tttt` writes it. */
function tcpdumpTime(ms: number, micros: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micros, 6)}`;
}

const USERS = ['root', 'admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'deploy', 'pi', 'user1'];

function sshdMessage(r: () => number, ip: string, port: number): string {
  const user = USERS[Math.floor(r() * USERS.length)] as string;
  const pick = r();
  if (pick < 0.35) return `Failed password for ${user} from ${ip} port ${port} ssh2`;
  if (pick < 0.5) return `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`;
  if (pick < 0.62) return `Invalid user ${user} from ${ip} port ${port}`;
  if (pick < 0.74) return `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`;
  if (pick < 0.84) return `Connection closed by authenticating user ${user} ${ip} port ${port} [preauth]`;
  if (pick < 0.94) return `Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`;
  return `Accepted publickey for deploy from ${ip} port ${port} ssh2: ED25519 SHA256:3fNbA0nF2Qmr4oYcZ2p4x1Zk0u9yq5m2dG7Jt8vXy1s`;
}

/** One line of `format` at `ms`; the sources and hosts cycle through pools of `sources` and 200. */
function line(format: BenchFormat, r: () => number, ms: number, sources: string[]): string {
  const ip = sources[Math.floor(r() * sources.length)] as string;
  const port = 1024 + Math.floor(r() * 64000);
  const host = `srv${pad(Math.floor(r() * 200), 3)}`;
  switch (format) {
    case 'sshd':
      return `${bsdTime(ms)} ${host} sshd[${1000 + Math.floor(r() * 60000)}]: ${sshdMessage(r, ip, port)}`;
    case 'netfilter': {
      const dport = [22, 23, 80, 443, 445, 3389, 8080][Math.floor(r() * 7)] as number;
      const uptime = `${(ms / 1000 - 1_790_000_000).toFixed(6)}`;
      return `${bsdTime(ms)} ${host} kernel: [${uptime}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${ip} DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(r() * 20)} ID=${Math.floor(r() * 65535)} DF PROTO=TCP SPT=${port} DPT=${dport} WINDOW=64240 RES=0x00 SYN URGP=0`;
    }
    case 'tcpdump': {
      const dport = [22, 23, 80, 443, 3389][Math.floor(r() * 5)] as number;
      return `${tcpdumpTime(ms, Math.floor(r() * 1_000_000))} IP ${ip}.${port} > 203.0.113.10.${dport}: Flags [S], seq ${Math.floor(r() * 4_294_967_295)}, win 65535, options [mss 1460,nop,wscale 6,nop,nop,TS val ${Math.floor(r() * 4_000_000_000)} ecr 0,sackOK,eol], length 0`;
    }
  }
}

/** `count` distinct public-looking IPv4 sources (never loopback or private: the parsers treat those alike, but real attacks come from outside). */
function sourcePool(count: number, r: () => number): string[] {
  const pool = new Set<string>();
  while (pool.size < count) pool.add(`${[45, 61, 91, 103, 185, 193, 218][Math.floor(r() * 7)]}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`);
  return [...pool];
}

/** The first line's time: three seconds before 2027 begins, so the year (and the day index) turns mid-run. */
export const BENCH_START_MS = Date.UTC(2026, 11, 31, 23, 59, 57);

/**
 * Writes `count` lines of `format` to `path`: `sources` attacker addresses, about 40 lines per
 * second of log time (a scan at full speed), from {@link BENCH_START_MS}.
 */
export async function writeBenchLog(path: string, format: BenchFormat, count: number, sources = 5_000): Promise<void> {
  const r = random(format.length * 7919 + count);
  const pool = sourcePool(sources, r);
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < count; i += 1) {
    chunk += `${line(format, r, BENCH_START_MS + Math.floor(i / 40) * 1000, pool)}\n`;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
}
