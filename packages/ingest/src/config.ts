import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { loadValidated, VigilError, VigilValidationError } from '@vigil/core';
import { HOST_OS_TYPES, isValidTimezone, parsers } from '@vigil/parsers';

/** Input types, the keys of the input registry; `type:` in `ingest/*.yaml` must be one of them. */
export const INPUT_TYPES = ['file', 'syslog_udp', 'syslog_tcp', 'tcp_lines', 'stdin'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const parserName = z.string().refine((name) => name === 'auto' || parsers.has(name), {
  error: (issue) => `unknown parser "${String(issue.input)}" (known: ${[...parsers.keys(), 'auto'].join(', ')})`,
});

const listen = z
  .string()
  .regex(/^(?:\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$/, 'must be host:port, for example 127.0.0.1:5514 or [::1]:5514')
  .transform((value) => {
    const cut = value.lastIndexOf(':');
    return { host: value.slice(0, cut).replace(/^\[|\]$/g, ''), port: Number(value.slice(cut + 1)) };
  });

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
  z.strictObject({ type: z.literal('syslog_tcp'), ...common, listen }),
  z.strictObject({ type: z.literal('tcp_lines'), ...common, listen }),
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
