import { Allowlist } from '@vigil/responder';
import { badOption, type CommandContext } from '../watch/context.ts';
import { withElasticsearch } from '../responses/services.ts';
import { parseCount, parseFormat, parseRange, parseRanges, type TimeRange } from '../stats/options.ts';
import { BLOCKLIST_FORMATS, renderBlocklist } from './formats.ts';
import { blocklistCandidates, type Candidates } from './sources.ts';

export interface BlocklistExportOptions {
  format?: string;
  since: string;
  until?: string;
  min?: string;
  name: string;
  allow?: string;
}

/**
 * A set name both ipset (31 characters, and `6` appended for IPv6) and nftables accept: a letter,
 * then letters, digits, `_` or `-`.
 */
const SET_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,29}$/;

function parseName(text: string): string {
  if (!SET_NAME.test(text)) throw badOption(`--name must be a letter then up to 29 letters, digits, "_" or "-" (ipset and nftables set names), got "${text}"`);
  return text;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function headerOf(found: Candidates, range: TimeRange, min: number, prefix: string, allow: readonly string[]): string {
  const v4 = found.listed.filter((c) => c.family === 4).length;
  const allowlist = `the responder's default allowlist${allow.length === 0 ? '' : ` and ${allow.join(', ')}`}`;
  return (
    `vigil blocklist as of ${range.until.toISOString()}: ` +
    `${plural(found.listed.length, 'address', 'addresses')} (${v4} IPv4, ${found.listed.length - v4} IPv6) ` +
    `Vigil blocked or alerted on since ${range.since.toISOString()}, at least ${plural(min, 'decision')} each, ` +
    `from ${prefix}-responses-* and ${prefix}-alerts, without ${allowlist}`
  );
}

function notes(found: Candidates, min: number): string[] {
  const { allowlisted, belowMin, invalid } = found;
  const notes: string[] = [];
  if (allowlisted.length > 0) {
    const which = allowlisted.map((a) => `${a.ip} (${a.why})`).join(', ');
    notes.push(`vigil: left out ${plural(allowlisted.length, 'allowlisted address', 'allowlisted addresses')}: ${which}`);
  }
  if (belowMin.length > 0) notes.push(`vigil: left out ${plural(belowMin.length, 'address', 'addresses')} with fewer than --min ${min} decisions`);
  if (invalid.length > 0) {
    const which = invalid.map((t) => JSON.stringify(t)).join(', ');
    notes.push(`vigil: ignored ${plural(invalid.length, 'text')} that ${invalid.length === 1 ? 'is' : 'are'} not one host's address: ${which}`);
  }
  return notes;
}

/**
 * `vigil blocklist export --format ipset|nftables|hosts.deny|nginx|plain`: the addresses Vigil
 * blocked (the audit's `blocked` outcomes) or alerted on (alerts whose entity has `source.ip`) since
 * `--since`, with at least `--min` decisions (distinct block decisions + alerts, one per watch),
 * canonical, de-duplicated, never an allowlisted one, IPv4 in numeric order then IPv6, on stdout.
 */
export async function blocklistExportCommand(ctx: CommandContext, options: BlocklistExportOptions): Promise<number> {
  if (options.format === undefined) throw badOption(`--format is required: ${BLOCKLIST_FORMATS.join(', ')}`);
  const format = parseFormat(options.format, BLOCKLIST_FORMATS, 'plain');
  const range = parseRange(options.since, options.until, new Date());
  const min = parseCount('--min', options.min, 1, Number.MAX_SAFE_INTEGER);
  const name = parseName(options.name);
  const allow = options.allow === undefined ? [] : parseRanges('--allow', options.allow);
  const allowlist = new Allowlist({ extra: allow, defaults: true });
  const config = await ctx.config();
  const found = await withElasticsearch(config, (client) => blocklistCandidates(client, config.indexPrefix, range, min, allowlist));
  for (const a of found.allowlisted) a.why = a.why.replace('from the configuration', 'from --allow');
  for (const line of renderBlocklist(format, found.listed, { name, header: headerOf(found, range, min, config.indexPrefix, allow) })) ctx.out.log(line);
  for (const note of notes(found, min)) ctx.out.error(note);
  return 0;
}
