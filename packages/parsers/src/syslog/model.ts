/** Shapes shared by the syslog header readers. */

/** Host, program and message: what follows the timestamp in an RFC 3164 line. */
export interface HostAndTag {
  hostname?: string;
  program?: string;
  pid?: number;
  /** The tag exactly as written (`DENY:`, `[sshd]`), when it has no pid. */
  tagText?: string;
  message: string;
  /** Index of `message` in the line (decoders that scan characters read the flat line, not a slice). */
  messageAt: number;
}

/** RFC 5424 header fields that ECS has no typed place for (they go to `vigil.syslog`). */
export interface Rfc5424Extras {
  version: number;
  msgid?: string;
  /** PROCID when it is not a number (a number becomes `process.pid`). */
  procid?: string;
  /** `[id k="v" ...]` blocks: SD-ID → parameter → value (unescaped; a repeated parameter keeps the last). */
  structured_data?: Record<string, Record<string, string>>;
}

/** Proxmox VE firewall log fields before the kernel text. */
export interface PveExtras {
  vmid: number;
  log_level: number;
  chain: string;
}

/**
 * A parsed syslog header: everything but the message's meaning. Built by `newHeader` (tag.ts) with
 * every optional field present (as `undefined` when absent), so that all headers share one shape.
 */
export interface SyslogHeader extends HostAndTag {
  timestamp: string;
  /** True when the line had no timestamp (`timestamp` is then `ctx.now`). */
  timestampMissing: boolean;
  pri?: number;
  rfc5424?: Rfc5424Extras;
  pve?: PveExtras;
}

