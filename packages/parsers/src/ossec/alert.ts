import { isIP } from 'node:net';

/** Which writer produced an alert; `vigil.ossec.format`. */
export type AlertFormat = 'alerts_log' | 'syslog_output' | 'json';

/** What every OSSEC/Wazuh alert shape yields, before it becomes ECS. */
export interface OssecAlert {
  format: AlertFormat;
  /** `wazuh` when the record has Wazuh-only fields (`rule.groups`, `agent`, ISO `timestamp`). */
  product: 'ossec' | 'wazuh';
  timestamp: string;
  level: number;
  ruleId: string;
  description: string;
  groups: string[];
  alertId?: string;
  /** `(agent) 10.0.0.4->/var/log/auth.log`, `host->/var/log/secure`, `/var/log/secure`. */
  location?: string;
  agentName?: string;
  agentId?: string;
  agentIp?: string;
  /** The host whose log raised the alert, when no agent is named. */
  hostname?: string;
  /** The OSSEC/Wazuh server that wrote the alert (Wazuh `manager.name`, the syslog_output header host). */
  manager?: string;
  srcIp?: string;
  srcPort?: string;
  dstIp?: string;
  dstPort?: string;
  /** Wazuh decodes `srcuser` and `dstuser`; alerts.log's `User:` and syslog_output's `user:` are OSSEC's dstuser. */
  srcUser?: string;
  dstUser?: string;
  /** The log line(s) the alert was raised on. */
  log?: string;
  /** Format-specific extras kept under `vigil.ossec` (decoder, labels, previous_output, mitre...). */
  extra: Record<string, unknown>;
}

/** True when `ip` is an IPv4 or IPv6 address (what `source.ip` may hold). */
export function isIpAddress(ip: string | undefined): ip is string {
  return ip !== undefined && ip.length <= 45 && isIP(ip) !== 0;
}

/**
 * The parts of a location: `(agent) 10.0.0.4->/var/log/auth.log` names an agent and its address;
 * `host->/var/log/secure` or `devG8-1->df -h` a host (the server itself, or a syslog client).
 */
export function locationParts(location: string): { agentName?: string; agentIp?: string; hostname?: string } {
  if (location.startsWith('(')) {
    const close = location.indexOf(')');
    const arrow = location.indexOf('->', close);
    if (close > 1) {
      const ip = arrow === -1 ? '' : location.slice(close + 1, arrow).trim();
      return { agentName: location.slice(1, close), ...(isIpAddress(ip) ? { agentIp: ip } : {}) };
    }
  }
  const arrow = location.indexOf('->');
  return arrow > 0 ? { hostname: location.slice(0, arrow) } : {};
}

/** `syslog, su,authentication_success,` → `[syslog, su, authentication_success]`. */
export function splitGroups(text: string): string[] {
  return text.split(',').map((g) => g.trim()).filter((g) => g !== '');
}

/** Sets `alert[key]` when `value` is a non-empty string. */
export function put<K extends keyof OssecAlert>(alert: OssecAlert, key: K, value: OssecAlert[K] | undefined): void {
  if (value !== undefined && value !== '') alert[key] = value;
}
