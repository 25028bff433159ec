/**
 * `vigil.netfilter.*`: what a LOG line says beyond the ECS fields. Keys are the kernel's, lower-cased;
 * numbers are numbers (hex `TOS=0x10` included).
 */
export interface NetfilterDetails {
  /** The `--log-prefix` text as logged (`[UFW BLOCK]`, `DROP:`), trimmed. */
  prefix?: string;
  /** Kernel uptime stamp in seconds (`[  203.842973]`), when the line has one. */
  uptime?: number;
  /** IP total length (IPv4) / payload length (IPv6): the first `LEN=`. */
  len?: number;
  tos?: number;
  prec?: number;
  ttl?: number;
  /** IPv4 identification: the first `ID=`. */
  id?: number;
  /** IPv4 fragment flags `CE`, `DF`, `MF`. */
  fragment_flags?: string[];
  /** IPv6 traffic class, hop limit, flow label. */
  tc?: number;
  hoplimit?: number;
  flowlbl?: number;
  /** TCP flags in the order logged: `SYN`, `ACK`, `PSH`, `FIN`, `RST`, `URG`, `ECE`, `CWR`. */
  flags?: string[];
  window?: number;
  res?: number;
  urgp?: number;
  seq?: number;
  ack?: number;
  /** UDP length: the `LEN=` after `PROTO=`. */
  udp_len?: number;
  icmp_type?: number;
  icmp_code?: number;
  /** ICMP echo identifier and sequence: the `ID=` / `SEQ=` after `PROTO=ICMP`. */
  icmp_id?: number;
  icmp_seq?: number;
  mtu?: number;
  mark?: number;
  physin?: string;
  physout?: string;
  uid?: number;
  gid?: number;
  spi?: number;
  /** Ethernet type from `MAC=` (2048 = IPv4, 34525 = IPv6). */
  ether_type?: number;
  /** The original packet quoted in an ICMP error; never copied to `source`/`destination`. */
  inner?: { src_ip?: string; dst_ip?: string; transport?: string; src_port?: number; dst_port?: number };
  /** Proxmox pve-firewall lines: VM id (0 = host), chain, log level. */
  vmid?: number;
  chain?: string;
  log_level?: number;
}
