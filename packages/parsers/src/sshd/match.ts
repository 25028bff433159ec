import type { EcsEvent, Endpoint } from '@vigil/core';
import type { ParsedFields } from '../types.ts';
import { isHostname, parseIp } from '../netfilter/ip.ts';

/** `vigil.sshd.*` / `vigil.pam.*`: what an auth line says beyond the ECS fields. */
export interface AuthDetails {
  /** Authentication method (`password`, `publickey`, `keyboard-interactive/pam`, `none`, `hostbased`). */
  method?: string;
  /** The user name does not exist on the host (`invalid user`, `illegal user`). */
  invalid_user?: boolean;
  /** What follows `ssh2: ` on an `Accepted`/`Failed` line: key type and fingerprint, hostbased client. */
  signature?: string;
  /** Server or client text explaining the event (`no matching cipher found`, `invalid format`). */
  reason?: string;
  /** SSH disconnect reason code (`Received disconnect from ... :11:`). */
  disconnect_code?: number;
  /** The line ended with `[preauth]`: logged before authentication completed. */
  preauth?: boolean;
  /** PAM: module, service and management group (`pam_unix(sshd:auth)`). */
  module?: string;
  service?: string;
  pam_type?: string;
  tty?: string;
  /** PAM `ruser=`: the remote user name the client claimed (attacker-controlled over ssh). */
  ruser?: string;
  /** `N more authentication failures`. */
  more_failures?: number;
  /** `session opened for user X by Y(uid=N)`: Y (`LOGIN`, a user name, or empty). */
  by?: string;
  /**
   * Which `ssh_login` line this is when the action alone no longer says it: `invalid_user`
   * (`Invalid user`, `PAM: User not known ...`), `user_not_allowed`, `root_login_refused`. Before
   * Vigil followed Elastic's `ssh_login` for every attempt line these were actions `ssh_<kind>`.
   */
  message_kind?: 'invalid_user' | 'user_not_allowed' | 'root_login_refused';
}

/** `system.auth.ssh.*` as Filebeat/Agent's system.auth pipeline sets them (Elastic's rules read `method`). */
export interface SshSystemFields {
  /** The line's first word for login lines: `Accepted`, `Failed`, `Postponed`, `Invalid`, `Illegal`. */
  event?: string;
  method?: string;
  signature?: string;
  /** `Did not receive identification string from <ip>`: the client that connected and said nothing. */
  dropped_ip?: string;
}

/** A recognised auth line, before it becomes ECS. */
export interface AuthMatch {
  /** `event.action` (snake_case, listed in src/sshd/README.md). */
  action: string;
  category: 'authentication' | 'network' | 'session' | 'iam';
  /** A successful login also opens a session: `event.category` `["authentication", "session"]` (as Elastic). */
  opensSession?: boolean;
  /** `event.type`: ECS allowed values for the category. */
  type: string[];
  /**
   * The one event that stands for an authentication attempt (README.md, "Attempts"): tagged
   * `auth_success` / `auth_failure` by its outcome. Its companions are not.
   */
  attempt?: boolean;
  /** `system.auth.ssh.*` (Filebeat's names), for login lines. */
  ssh?: SshSystemFields;
  outcome?: 'success' | 'failure';
  /** The user name as logged (may be empty, contain spaces, or look like anything). */
  user?: string;
  /** Remote address as logged: IP address or host name. */
  addr?: string;
  port?: number;
  /** Host name known besides the address (`refused connect from HOST (IP)`, reverse-mapping lines). */
  domain?: string;
  /** Local end of the connection (`on IP port N`, `via IP`). */
  localAddr?: string;
  localPort?: number;
  details?: AuthDetails;
}

/** ECS fields of an auth line (the syslog parser adds time, host and process). */
export type AuthFields = Omit<ParsedFields, '@timestamp' | 'event'> & {
  event: Partial<EcsEvent['event']> & { dataset: 'auth' };
};

const AUTHENTICATION_AND_SESSION = ['authentication', 'session'];

/**
 * ECS fields of a match. `auth_success` / `auth_failure` tags go exactly on attempt events
 * (`m.attempt`) with that outcome.
 */
export function toFields(m: AuthMatch, detailsKey: 'sshd' | 'pam'): AuthFields {
  const category = m.opensSession === true ? AUTHENTICATION_AND_SESSION.slice() : [m.category];
  const event: AuthFields['event'] = { dataset: 'auth', category, type: m.type, action: m.action };
  if (m.outcome !== undefined) event.outcome = m.outcome;
  const out: AuthFields = { event };
  const related: NonNullable<ParsedFields['related']> = {};
  if (m.user !== undefined && m.user !== '') {
    out.user = { name: m.user };
    const ruser = m.details?.ruser;
    related.user = ruser !== undefined && ruser !== '' && ruser !== m.user ? [m.user, ruser] : [m.user];
  }
  if (m.addr !== undefined && m.addr !== '') out.source = endpoint(m.addr, m.port, m.domain, related);
  if (m.localAddr !== undefined && m.localAddr !== '') out.destination = endpoint(m.localAddr, m.localPort, undefined, related);
  if (related.user !== undefined || related.ip !== undefined || related.hosts !== undefined) out.related = related;
  if (m.attempt === true && m.outcome !== undefined) out.tags = [m.outcome === 'success' ? 'auth_success' : 'auth_failure'];
  if (m.ssh !== undefined) out.system = { auth: { ssh: m.ssh } };
  if (m.details !== undefined) out.vigil = detailsKey === 'sshd' ? { sshd: m.details } : { pam: m.details };
  return out;
}

/** `address` keeps the text as logged; `ip` only a valid address; `domain` only a plausible name. */
function endpoint(addr: string, port: number | undefined, domain: string | undefined, related: NonNullable<ParsedFields['related']>): Endpoint {
  const e: Endpoint = { address: addr };
  const ip = parseIp(addr);
  if (ip !== undefined) {
    e.ip = ip;
    (related.ip ??= []).push(ip);
  } else if (isHostname(addr)) {
    e.domain = addr;
    (related.hosts ??= []).push(addr);
  }
  if (domain !== undefined && e.domain === undefined && isHostname(domain)) {
    e.domain = domain;
    (related.hosts ??= []).push(domain);
  }
  if (port !== undefined) e.port = port;
  return e;
}
