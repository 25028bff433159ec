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
  user?: { name?: string; domain?: string; id?: string };
  host?: { name?: string; hostname?: string; ip?: string[] };
  process?: { name?: string; pid?: number };
  rule?: { id?: string; name?: string; description?: string; category?: string };
  related?: { ip?: string[]; user?: string[]; hosts?: string[] };
  log?: { file?: { path?: string }; offset?: number; level?: string; syslog?: { facility?: { code?: number }; severity?: { code?: number }; priority?: number } };
  observer?: { name?: string; hostname?: string; ip?: string[]; type?: string; product?: string; ingress?: { interface?: { name?: string } }; egress?: { interface?: { name?: string } } };
  agent?: { name?: string; id?: string; type?: string };
  winlog?: { event_id?: string; channel?: string; computer_name?: string; provider_name?: string; logon?: { type?: string; id?: string } };
  error?: { message: string; type?: string };
  vigil?: Record<string, unknown>;
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
