import type { Endpoint } from '@vigil/core';
import type { ParsedFields } from '../types.ts';
import { isIpAddress, type OssecAlert } from './alert.ts';

const FAILED_GROUPS = new Set(['authentication_failed', 'authentication_failures', 'invalid_login', 'win_authentication_failed']);

/** `failure`/`success` for rules in OSSEC's authentication groups, so an alert reads like the auth events it is about. */
function authOutcome(groups: string[]): 'failure' | 'success' | undefined {
  if (groups.some((g) => FAILED_GROUPS.has(g))) return 'failure';
  return groups.includes('authentication_success') ? 'success' : undefined;
}

/** `source`/`destination`: `address` as written, `ip` only when it is an address, `port` when numeric. */
function endpoint(address: string | undefined, port: string | undefined): Endpoint | undefined {
  if (address === undefined) return undefined;
  const e: Endpoint = { address };
  if (isIpAddress(address)) e.ip = address;
  const n = port === undefined || !/^\d{1,5}$/.test(port) ? Number.NaN : Number(port);
  if (n <= 65535) e.port = n;
  return e;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

function related(a: OssecAlert): ParsedFields['related'] | undefined {
  const ip = unique([a.srcIp, a.dstIp].filter(isIpAddress));
  const user = unique([a.dstUser, a.srcUser]);
  if (ip.length === 0 && user.length === 0) return undefined;
  return { ...(ip.length > 0 ? { ip } : {}), ...(user.length > 0 ? { user } : {}) };
}

function hostAndAgent(a: OssecAlert): Pick<ParsedFields, 'host' | 'agent' | 'observer'> {
  const out: Pick<ParsedFields, 'host' | 'agent' | 'observer'> = { observer: { product: a.product, type: 'ids' } };
  if (a.manager !== undefined && out.observer !== undefined) out.observer.hostname = a.manager;
  if (a.agentName !== undefined || a.agentId !== undefined) {
    out.agent = { type: a.product, ...(a.agentName === undefined ? {} : { name: a.agentName }), ...(a.agentId === undefined ? {} : { id: a.agentId }) };
  }
  const hostName = a.agentName ?? a.hostname;
  if (hostName !== undefined || a.agentIp !== undefined) out.host = { ...(hostName === undefined ? {} : { name: hostName }), ...(a.agentIp === undefined ? {} : { ip: [a.agentIp] }) };
  return out;
}

function details(a: OssecAlert): Record<string, unknown> {
  return {
    format: a.format,
    level: a.level,
    groups: a.groups,
    ...(a.alertId === undefined ? {} : { alert_id: a.alertId }),
    ...(a.location === undefined ? {} : { location: a.location }),
    ...(a.srcUser === undefined ? {} : { srcuser: a.srcUser }),
    ...(a.dstUser === undefined ? {} : { dstuser: a.dstUser }),
    ...(a.srcIp !== undefined && !isIpAddress(a.srcIp) ? { srcip: a.srcIp } : {}),
    ...a.extra,
  };
}

/**
 * ECS for an alert of any shape:
 * - `event.kind: alert`, `event.category: [intrusion_detection]` (plus `authentication` for the
 *   rules of OSSEC's authentication groups, with `event.outcome` and the `auth_failure`/`auth_success`
 *   tags of the Linux and Windows auth events, so one watch can cover all three), `event.severity`
 *   and `vigil.ossec.level` = the rule level, `event.module` `ossec` or `wazuh`;
 * - `rule.id`, `rule.name` and `rule.description` = the rule's description;
 * - `source`/`destination` from srcip/dstip (`ip` only when it is an address; `address` as written);
 * - `user.name` = the target account: `dstuser` when present, else `srcuser` (both kept under
 *   `vigil.ossec`); `related.ip`/`related.user`;
 * - `agent.*` for the agent named in the alert, `host.name` the host whose log raised it (the agent,
 *   or the `host->` of the location), `observer` the OSSEC/Wazuh server;
 * - `message` = the embedded original log line(s).
 */
export function alertToEcs(a: OssecAlert): ParsedFields {
  const outcome = authOutcome(a.groups);
  const fields: ParsedFields = {
    '@timestamp': a.timestamp,
    event: {
      kind: 'alert',
      category: outcome === undefined ? ['intrusion_detection'] : ['intrusion_detection', 'authentication'],
      type: ['info'],
      severity: a.level,
      module: a.product,
      ...(outcome === undefined ? {} : { outcome }),
    },
    rule: { id: a.ruleId, name: a.description, description: a.description },
    ...hostAndAgent(a),
    vigil: { ossec: details(a) },
  };
  if (a.log !== undefined) fields.message = a.log;
  const source = endpoint(a.srcIp, a.srcPort);
  const destination = endpoint(a.dstIp, a.dstPort);
  if (source !== undefined) fields.source = source;
  if (destination !== undefined) fields.destination = destination;
  const user = a.dstUser ?? a.srcUser;
  if (user !== undefined) fields.user = { name: user };
  const rel = related(a);
  if (rel !== undefined) fields.related = rel;
  if (outcome !== undefined) fields.tags = [outcome === 'failure' ? 'auth_failure' : 'auth_success'];
  return fields;
}
