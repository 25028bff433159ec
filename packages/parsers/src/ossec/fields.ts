import { isIP } from 'node:net';
import type { ParsedFields } from '../types.ts';

/** What every OSSEC/Wazuh alert shape yields, before it becomes ECS. */
export interface OssecAlert {
  timestamp: string;
  level: number;
  ruleId: string;
  description: string;
  groups: string[];
  alertId?: string;
  location?: string;
  agentName?: string;
  agentId?: string;
  hostname?: string;
  srcIp?: string;
  srcPort?: number;
  dstIp?: string;
  user?: string;
  srcUser?: string;
  dstUser?: string;
  /** The log line(s) the alert was raised on. */
  log?: string;
  product: 'ossec' | 'wazuh';
}

const validIp = (ip: string | undefined) => (ip !== undefined && isIP(ip) !== 0 ? ip : undefined);

/**
 * ECS for an alert: `event.kind: alert`, `rule.*`, `event.severity` and `vigil.ossec.level` = the
 * level, `source.ip` only when it is an address, `user.name` the target account (Wazuh's `dstuser`
 * when present, else `user`, else `srcuser`), and the `auth_failure`/`auth_success` tags of the Linux
 * and Windows auth events when the rule's groups say so, so one watch covers all three.
 */
export function alertToEcs(a: OssecAlert): ParsedFields {
  const src = validIp(a.srcIp);
  const dst = validIp(a.dstIp);
  const user = a.dstUser ?? a.user ?? a.srcUser;
  const failed = a.groups.some((g) => g === 'authentication_failed' || g === 'authentication_failures' || g === 'invalid_login');
  const succeeded = a.groups.includes('authentication_success');
  const ips = [src, dst].filter((ip): ip is string => ip !== undefined);
  const users = [...new Set([user, a.srcUser].filter((u): u is string => u !== undefined && u !== ''))];
  return {
    '@timestamp': a.timestamp,
    event: {
      kind: 'alert',
      category: ['intrusion_detection'],
      type: ['info'],
      severity: a.level,
      module: a.product,
      ...(failed ? { outcome: 'failure' as const } : succeeded ? { outcome: 'success' as const } : {}),
    },
    rule: { id: a.ruleId, name: a.description, description: a.description, ...(a.groups.length > 0 ? { category: a.groups.join(',') } : {}) },
    ...(a.log === undefined ? {} : { message: a.log }),
    ...(src === undefined ? {} : { source: { ip: src, ...(a.srcPort === undefined ? {} : { port: a.srcPort }) } }),
    ...(dst === undefined ? {} : { destination: { ip: dst } }),
    ...(user === undefined || user === '' ? {} : { user: { name: user } }),
    ...(a.agentName === undefined && a.agentId === undefined ? {} : { agent: { ...(a.agentName === undefined ? {} : { name: a.agentName }), ...(a.agentId === undefined ? {} : { id: a.agentId }), type: a.product } }),
    ...(a.hostname === undefined ? {} : { host: { hostname: a.hostname } }),
    observer: { product: a.product, type: 'ids' },
    ...(ips.length > 0 || users.length > 0 ? { related: { ...(ips.length > 0 ? { ip: ips } : {}), ...(users.length > 0 ? { user: users } : {}) } } : {}),
    ...(failed ? { tags: ['auth_failure'] } : succeeded ? { tags: ['auth_success'] } : {}),
    vigil: {
      ossec: {
        level: a.level,
        groups: a.groups,
        ...(a.alertId === undefined ? {} : { alert_id: a.alertId }),
        ...(a.location === undefined ? {} : { location: a.location }),
        ...(a.srcUser === undefined ? {} : { srcuser: a.srcUser }),
        ...(a.dstUser === undefined ? {} : { dstuser: a.dstUser }),
        ...(a.srcIp !== undefined && src === undefined ? { srcip: a.srcIp } : {}),
      },
    },
  };
}

/** `(agent) 10.0.0.4->/var/log/auth.log` or `host->/var/log/secure`: the agent or host name. */
export function locationParts(location: string): { agentName?: string; hostname?: string } {
  const agent = /^\(([^)]*)\)/.exec(location);
  if (agent?.[1] !== undefined) return { agentName: agent[1] };
  const arrow = location.indexOf('->');
  return arrow > 0 ? { hostname: location.slice(0, arrow) } : {};
}

export function splitGroups(text: string): string[] {
  return text.split(',').map((g) => g.trim()).filter((g) => g !== '');
}
