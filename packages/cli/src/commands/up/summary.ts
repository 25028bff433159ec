import { existsSync } from 'node:fs';
import { redactUrl } from '@vigil/core';
import type { InputConfig, LoadedInput } from '@vigil/ingest';

/** Everything the "ready" summary of `vigil up` tells; gathered by up.ts, turned into text here (pure). */
export interface SummaryFacts {
  /** The running children, in start order. */
  processes: ReadonlyArray<{ role: string; pid: number }>;
  /** The ingest definitions the ingest child runs. */
  inputs: readonly LoadedInput[];
  /** `VIGIL_INGEST_LISTEN_HOST`: replaces the host of every `listen:` (the ingest server does the same). */
  listenHost?: string;
  mail: {
    smtpUrl: string;
    /** The default recipients (`VIGIL_SMTP_TO`). */
    to: readonly string[];
    /** The capture server's page and API (`VIGIL_MAIL_API_URL`) when mail goes to the local capture server. */
    mailApiUrl?: string;
  };
  watches: { registered: number; enabled: number };
  /** What became of the responder: `pid 4242, config /x/responder.yaml` or `not started: <why>`. */
  responder: string;
  /** `host:port` of the ingest metrics endpoint; absent when off. */
  metrics?: string;
  /** Whether a tailed file exists yet (injected for tests); default `existsSync`. */
  exists?: (path: string) => boolean;
}

const WILDCARD: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The line of one input: `<type> <address or paths> (<parser>)`, then how to send it something. */
export function inputLine(config: InputConfig, listenHost?: string, exists: (path: string) => boolean = existsSync): string {
  const parser = config.dataset === undefined ? `(${config.parser})` : `(${config.parser}, dataset ${config.dataset})`;
  const type = config.type.padEnd(10);
  switch (config.type) {
    case 'file': {
      const missing = config.paths.filter((p) => !exists(p));
      const note = missing.length === 0 ? '' : `; not there yet (read once they appear): ${missing.join(', ')}`;
      return `${type} ${config.paths.join(', ')} ${parser}${note}`;
    }
    case 'stdin':
      return `${type} ${parser}: nothing to read under vigil up (pipe into vigil ingest serve instead)`;
    default: {
      const host = listenHost ?? config.listen.host;
      const local = WILDCARD[host] ?? host; // where a sender on this machine connects
      const port = config.listen.port;
      const head = `${type} ${hostPort(host, port)} ${parser}`;
      if (config.type === 'tcp_lines') {
        const source = config.parser === 'tcpdump' ? "tcpdump -n -tttt -l 'tcp[13]==2'" : 'tail -F <log file>';
        return `${head}: ${source} | nc ${local} ${port}`;
      }
      if (config.type === 'syslog_udp') return `${head}: logger -d -n ${local} -P ${port} 'test message', or rsyslog *.* @${hostPort(local, port)}`;
      return `${head}: logger -T -n ${local} -P ${port} 'test message', or rsyslog *.* @@${hostPort(local, port)}`;
    }
  }
}

/** Where alert mail goes and, for the local capture server, how to read it. */
export function mailLines(mail: SummaryFacts['mail']): string[] {
  const where = `${redactUrl(mail.smtpUrl)}, to ${mail.to.join(', ')}`;
  if (mail.mailApiUrl === undefined) return [where];
  return [`${where}: kept by the local capture server (nothing leaves this machine)`, `read it: ${mail.mailApiUrl}/api/v1/messages, or scripts/services mail`];
}

/** The metrics endpoint; port 0 means the ingest server took a free one and said which in its own line. */
function metricsLine(address: string): string {
  return address.endsWith(':0') ? 'on a free port: see the "[ingest] ... metrics on" line' : `http://${address}/metrics`;
}

const LABEL = 11;

/** A labelled block: the label on the first line, the others indented under the text. */
function block(label: string, lines: readonly string[]): string[] {
  return lines.map((line, i) => `  ${(i === 0 ? label : '').padEnd(LABEL)}${line}`);
}

/** The text `vigil up` prints once every child said it is ready, one string per line. */
export function summaryLines(facts: SummaryFacts): string[] {
  const exists = facts.exists ?? existsSync;
  const logs = facts.inputs.length === 0 ? ['none'] : facts.inputs.map((i) => inputLine(i.config, facts.listenHost, exists));
  return [
    'vigil up: ready',
    ...block('processes', [facts.processes.map((p) => `${p.role} (pid ${p.pid})`).join(', ')]),
    ...block('mail', mailLines(facts.mail)),
    ...block('logs', logs),
    ...block('watches', [`${facts.watches.registered} registered, ${facts.watches.enabled} enabled (vigil watch list)`]),
    ...block('responder', [facts.responder]),
    ...(facts.metrics === undefined ? [] : block('metrics', [metricsLine(facts.metrics)])),
    'Ctrl-C stops everything.',
  ];
}
