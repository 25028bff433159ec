/**
 * A Vigil event: Elastic Common Schema field names, so Kibana and Elastic Security read it as-is.
 * Only the fields Vigil sets are typed; format-specific extras live under `vigil.<source>.*`.
 * Every event keeps the raw text it came from in `event.original`.
 */
export interface EcsEvent {
  /** ISO 8601 time the logged thing happened (UTC, `Z`), with the precision the source gave. */
  '@timestamp': string;
  message?: string;
  tags?: string[];
  /** The ECS version the event follows (set on every event by the parser runner). */
  ecs?: { version: string };
  event: {
    /** `event` for logs, `alert` for detections (OSSEC), `pipeline_error` for a record no parser understood. */
    kind: 'event' | 'alert' | 'pipeline_error';
    category?: string[];
    type?: string[];
    action?: string;
    outcome?: 'success' | 'failure' | 'unknown';
    code?: string;
    /** The dataset part of the index name: `auth`, `netfilter`, `tcpdump`, `ossec`, `windows`, `syslog`. */
    dataset: string;
    module?: string;
    provider?: string;
    severity?: number;
    /** The record exactly as read (lines of a multi-line record joined by `\n`), truncated past 64 KiB. */
    original: string;
    /** When Vigil parsed it. */
    ingested: string;
  };
  source?: Endpoint;
  destination?: Endpoint;
  network?: { transport?: string; protocol?: string; type?: string; iana_number?: string };
  user?: EcsUser & { effective?: EcsUser; target?: EcsUser; changes?: EcsUser };
  group?: EcsGroup;
  /** `host.os.type`: `linux`, `windows`, `macos`… (from the source, or the input's `host_os`). */
  host?: { name?: string; hostname?: string; id?: string; ip?: string[]; os?: { type?: string; family?: string; name?: string } };
  process?: { name?: string; pid?: number };
  rule?: { id?: string; name?: string; description?: string; category?: string };
  related?: { ip?: string[]; user?: string[]; hosts?: string[] };
  log?: { file?: { path?: string }; offset?: number; level?: string; syslog?: { facility?: { code?: number }; severity?: { code?: number }; priority?: number } };
  observer?: {
    name?: string;
    hostname?: string;
    ip?: string[];
    type?: string;
    vendor?: string;
    product?: string;
    ingress?: { zone?: string; interface?: { name?: string } };
    egress?: { zone?: string; interface?: { name?: string } };
  };
  agent?: { name?: string; id?: string; type?: string };
  /** Winlogbeat's layout: `winlog.event_data.*` keeps the event's EventData names (`TargetUserName`, `Status`…). */
  winlog?: { event_id?: string; channel?: string; computer_name?: string; provider_name?: string; logon?: { type?: string; id?: string; failure?: { reason?: string; status?: string; sub_status?: string } }; event_data?: Record<string, string> };
  /** Filebeat/Agent `system` module detail that Elastic's rules read (`system.auth.ssh.method`). */
  system?: { auth?: { ssh?: { event?: string; method?: string; signature?: string; dropped_ip?: string } } };
  error?: { message: string; type?: string };
  vigil?: Record<string, unknown>;
}

export interface EcsUser {
  name?: string;
  domain?: string;
  id?: string;
  group?: EcsGroup;
}

export interface EcsGroup {
  name?: string;
  id?: string;
  domain?: string;
}

export interface Endpoint {
  ip?: string;
  port?: number;
  address?: string;
  domain?: string;
  mac?: string;
  bytes?: number;
  packets?: number;
}
