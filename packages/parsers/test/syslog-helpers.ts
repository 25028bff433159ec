// Shared by the syslog, sshd and netfilter tests: a fixed context and readers for the expectation
// formats of the third-party fixtures (fail2ban `# failJSON:`, crowdsec `parser.assert`, Wazuh/OSSEC
// `.ini`). Not a test file itself (Jest runs *.test.ts only).
import { fixtureLines } from '@vigil/testkit';
import { isFailure, type ParseContext, type ParsedFields } from '../src/types.ts';
import { syslogParser } from '../src/syslog/index.ts';

/** Time is injected: every test parses with this "now". */
export const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

/** Parses a line that must parse; a failure makes the test fail naming the line and the reason. */
export function parse(line: string, context: ParseContext = ctx): ParsedFields {
  const result = syslogParser.parse(line, context);
  if (isFailure(result)) throw new Error(`expected ${JSON.stringify(line)} to parse, got failure: ${result.failure}`);
  return result;
}

/** The reason of a line that must fail; a parsed line makes the test fail. */
export function failureOf(line: string, context: ParseContext = ctx): string {
  const result = syslogParser.parse(line, context);
  if (!isFailure(result)) throw new Error(`expected ${JSON.stringify(line)} to fail, got ${JSON.stringify(result)}`);
  return result.failure;
}

/** `vigil.<key>` of an event as a plain record (vigil is `Record<string, unknown>` in the ECS type). */
export function vigil(event: ParsedFields, key: string): Record<string, unknown> | undefined {
  return event.vigil?.[key] as Record<string, unknown> | undefined;
}

/** A fail2ban test line and the expectation written above it. */
export interface FailJsonCase {
  expect: { match: boolean; host?: string; time?: string; user?: string; desc?: string };
  line: string;
  /** 1-based line number in the fixture. */
  lineNo: number;
}

/** Log lines of a fail2ban test file, each with the `# failJSON: {...}` line before it. */
export function failJsonCases(path: string): FailJsonCase[] {
  const lines = fixtureLines(path);
  const cases: FailJsonCase[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^# failJSON: (.*)$/.exec(lines[i] as string);
    if (m === null) continue;
    cases.push({ expect: JSON.parse(m[1] as string) as FailJsonCase['expect'], line: lines[i + 1] as string, lineNo: i + 2 });
  }
  return cases;
}

/** One record of a crowdsec `parser.assert` stage: success and the Parsed/Meta values it asserts. */
export interface CrowdsecResult {
  success: boolean;
  parsed: Record<string, string>;
  meta: Record<string, string>;
}

/** `results["<stage>"]["<parser>"][i]` assertions of a crowdsec `parser.assert`, by index. */
export function crowdsecResults(path: string, stage: string, parser: string): CrowdsecResult[] {
  const out: CrowdsecResult[] = [];
  const prefix = `results["${stage}"]["${parser}"][`;
  for (const line of fixtureLines(path)) {
    if (!line.startsWith(prefix)) continue;
    const m = /^\[(\d+)\]\.(Success == (true|false)|Evt\.(Parsed|Meta)\["(\w+)"\] == "(.*)")$/.exec(line.slice(prefix.length - 1));
    if (m === null) continue;
    const i = Number(m[1]);
    const r = (out[i] ??= { success: false, parsed: {}, meta: {} });
    if (m[3] !== undefined) r.success = m[3] === 'true';
    else (m[4] === 'Parsed' ? r.parsed : r.meta)[m[5] as string] = (m[6] as string).replace(/\\"/g, '"');
  }
  return out;
}

/** The `log N pass = <line>` lines of a Wazuh/OSSEC ruleset test `.ini`. */
export function iniLogLines(path: string): string[] {
  return fixtureLines(path)
    .map((l) => /^log \d+ (?:pass|fail) = (.*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

/** Counts of `key(event)` over lines. */
export function countBy(events: ParsedFields[], key: (e: ParsedFields) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[key(e)] = (counts[key(e)] ?? 0) + 1;
  return counts;
}

/** `dataset:action:outcome` of an event, `-` for what is absent. */
export function summary(e: ParsedFields): string {
  return `${e.event?.dataset ?? 'syslog'}:${e.event?.action ?? '-'}:${e.event?.outcome ?? '-'}`;
}
