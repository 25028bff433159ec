import { readdirSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { VigilError, VigilValidationError } from '@vigil/core/errors';
import { loadValidated } from '@vigil/core/yaml';
import { HOST_OS_TYPES, isValidTimezone, parsers } from '@vigil/parsers';

/** Input types, the keys of the input registry; `type:` in `ingest/*.yaml` must be one of them. */
export const INPUT_TYPES = ['file', 'syslog_udp', 'syslog_tcp', 'tcp_lines', 'stdin'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const parserName = z.string().refine((name) => name === 'auto' || parsers.has(name), {
  error: (issue) => `unknown parser "${String(issue.input)}" (known: ${[...parsers.keys(), 'auto'].join(', ')})`,
});

/** A DNS host name (RFC 1123): dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const LISTEN_EXAMPLE = 'for example 127.0.0.1:5514 or [::1]:5514';

/** Why `value` is not a `host:port` listen address, or undefined when it is one. */
function listenProblem(value: string): string | undefined {
  const cut = value.lastIndexOf(':');
  if (cut === -1) return `must be host:port, ${LISTEN_EXAMPLE}`;
  const host = value.slice(0, cut);
  const port = value.slice(cut + 1);
  if (host.startsWith('[') || host.endsWith(']')) {
    if (!host.startsWith('[') || !host.endsWith(']')) return `must be host:port with an IPv6 address in brackets, ${LISTEN_EXAMPLE}`;
    if (!isIPv6(host.slice(1, -1))) return `"${host.slice(1, -1)}" is not an IPv6 address`;
  } else if (value.startsWith('[')) return `must be host:port with an IPv6 address in brackets, ${LISTEN_EXAMPLE}`;
  else if (host.includes(':')) return `an IPv6 address must be written in brackets: [${host}]:${port}`;
  else if (/^[0-9.]+$/.test(host)) {
    if (!isIPv4(host)) return `"${host}" is not an IPv4 address (four numbers 0-255)`;
  } else if (!HOST_NAME.test(host)) return `"${host}" is neither an IP address nor a host name, ${LISTEN_EXAMPLE}`;
  if (!/^\d{1,5}$/.test(port)) return `port "${port}" must be a number from 1 to 65535`;
  if (Number(port) < 1 || Number(port) > 65_535) return `port ${Number(port)} is out of range: must be 1 to 65535`;
  return undefined;
}

/**
 * `host:port` an input listens on: an IPv4 address, an IPv6 address in brackets, or a host name,
 * and a port from 1 to 65535. Shipped definitions use loopback; see `VIGIL_INGEST_LISTEN_HOST`.
 */
const listen = z
  .string()
  .superRefine((value, ctx) => {
    const problem = listenProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => {
    const cut = value.lastIndexOf(':');
    return { host: value.slice(0, cut).replace(/^\[|\]$/g, ''), port: Number(value.slice(cut + 1)) };
  });

/** How a TLS input treats client certificates (`tls.client_auth`). */
export const CLIENT_AUTH_MODES = ['required', 'optional', 'none'] as const;
export type ClientAuth = (typeof CLIENT_AUTH_MODES)[number];

/**
 * `tls:` of a TCP input (`syslog_tcp`: RFC 5425 syslog over TLS; `tcp_lines`): the connection is
 * TLS, its plaintext framed as without TLS. Files are PEM, read when the input starts (relative
 * paths from the working directory of `vigil ingest serve`); a missing or malformed file is an error
 * naming it.
 */
const tlsSchema = z
  .strictObject({
    /** The server's certificate chain (PEM): the leaf first, then intermediates. */
    cert: z.string().min(1),
    /** The private key of `cert` (PEM, unencrypted). */
    key: z.string().min(1),
    /** CA certificates (PEM bundle) that client certificates must chain to; required with `client_auth` other than `none`. */
    ca: z.string().min(1).optional(),
    /**
     * `required`: a client without a certificate signed by `ca` is refused (counted and logged once
     * per connection; nothing it sends is read). `optional`: a client may present none, but a
     * certificate that does not verify against `ca` is refused. `none` (default): no client
     * certificate is asked for; anyone who reaches the port may send.
     */
    client_auth: z.enum(CLIENT_AUTH_MODES, { error: (issue) => `unknown client_auth "${String(issue.input)}" (known: ${CLIENT_AUTH_MODES.join(', ')})` }).default('none'),
  })
  .superRefine((tls, ctx) => {
    if (tls.client_auth !== 'none' && tls.ca === undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: `is required with client_auth: ${tls.client_auth} (the CA that signs client certificates)` });
  });

export type TlsConfig = z.output<typeof tlsSchema>;

/** ECS `os.type` values (`host_os:`): the parsers' `ParseContext.hostOs`. */
export { HOST_OS_TYPES };

const hostOs = z.enum(HOST_OS_TYPES, {
  error: (issue) => `unknown host OS "${String(issue.input)}" (ECS os.type values: ${HOST_OS_TYPES.join(', ')})`,
});

/** Keys every input has. */
const common = {
  /** Parser of the records: `syslog`, `tcpdump`, `ossec`, `windows` or `auto`. */
  parser: parserName,
  /** Overrides the parser's dataset (the `<dataset>` of `<prefix>-<dataset>-YYYY.MM.DD`). */
  dataset: z.string().regex(/^[a-z0-9][a-z0-9_]{0,31}$/, 'must be 1-32 lower-case letters, digits or "_"').optional(),
  /** IANA zone of timestamps written without one (RFC 3164 syslog, tcpdump -tttt). Default UTC. */
  timezone: z.string().refine(isValidTimezone, 'must be an IANA time zone such as UTC or Europe/Paris').optional(),
  /**
   * ECS `host.os.type` of the hosts this input's logs come from: one of {@link HOST_OS_TYPES}.
   * Default `linux`. Elastic's Linux and Windows rules filter on it; a parser whose source names the
   * OS itself (Windows event logs → `windows`) keeps its own value.
   */
  host_os: hostOs.optional(),
};

/** One `ingest/*.yaml` file: what to collect, how to parse it, where it goes. */
export const inputConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('file'), ...common, /** Files to follow (rotation and truncation are handled). */ paths: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ type: z.literal('syslog_udp'), ...common, listen, /** Where the backlog spills while Elasticsearch is away; default the state folder. */ spill_dir: z.string().optional() }),
  z.strictObject({ type: z.literal('syslog_tcp'), ...common, listen, /** RFC 5425 syslog over TLS (octet-counted frames); absent: plain TCP. */ tls: tlsSchema.optional() }),
  z.strictObject({ type: z.literal('tcp_lines'), ...common, listen, /** TLS for the line stream; absent: plain TCP. */ tls: tlsSchema.optional() }),
  z.strictObject({ type: z.literal('stdin'), ...common }),
]);

export type InputConfig = z.output<typeof inputConfigSchema>;

/** A validated input with the file it came from; `name` is the file name without extension. */
export interface LoadedInput {
  name: string;
  file: string;
  config: InputConfig;
}

const typeOnly = z.looseObject({
  type: z.string({ error: 'is required' }).refine((t) => (INPUT_TYPES as readonly string[]).includes(t), {
    error: (issue) => `unknown input type "${String(issue.input)}" (known: ${INPUT_TYPES.join(', ')})`,
  }),
});

/** Validates one file's text; every problem is reported as `file:line: path: message`. */
export function parseInputConfig(file: string, text: string): LoadedInput {
  loadValidated(file, text, typeOnly); // a clear message for a missing or unknown type first
  return { name: basename(file, extname(file)), file, config: loadValidated(file, text, inputConfigSchema) };
}

/** Every `*.yaml`/`*.yml` of a folder, sorted; problems in all files are reported together. */
export function loadInputConfigs(dir: string): LoadedInput[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (cause) {
    throw new VigilError('FILE_UNREADABLE', `cannot read the ingest folder: ${(cause as Error).message}`, { cause, location: { file: dir } });
  }
  const loaded: LoadedInput[] = [];
  const problems: VigilError[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      loaded.push(parseInputConfig(file, readFileSync(file, 'utf8')));
    } catch (err) {
      if (err instanceof VigilValidationError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new VigilValidationError(problems);
  return loaded;
}
