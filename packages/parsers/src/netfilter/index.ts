/**
 * Netfilter LOG lines (iptables `-j LOG`, nftables `log`, ufw, firewalld, Shorewall, EdgeOS,
 * Proxmox) → ECS network events in the `netfilter` dataset. README.md next to this file lists the
 * fields, the action and the event types.
 *
 * Two entry points:
 * - {@link decodeNetfilter}: the message of a syslog line (the syslog parser calls it) or any bare
 *   kernel text `[ 123.456789] <prefix>IN=... SRC=...`;
 * - {@link netfilterParser}: a `LogParser` for inputs that carry only kernel LOG lines (`dmesg`,
 *   `journalctl -k -o cat`, a syslog file filtered to them). Lines with a syslog header go through
 *   the syslog parser; bare lines get `@timestamp` = `ctx.now`, tagged `timestamp_missing`.
 *
 * @packageDocumentation
 */
import { isFailure, type LogParser, type ParseContext, type ParsedFields, type ParseFailure } from '../types.ts';
import { syslogParser } from '../syslog/index.ts';
import { decodeNetfilter } from './decode.ts';

export { decodeNetfilter, type NetfilterFields, type NetfilterOptions } from './decode.ts';
export type { NetfilterDetails } from './details.ts';
export { parseIp, isHostname } from './ip.ts';

/** Kernel LOG lines with or without a syslog header (not registered by default: the lead decides). */
export const netfilterParser: LogParser = {
  source: 'netfilter',
  dataset: 'netfilter',
  description: 'netfilter/iptables/nftables LOG lines, bare (dmesg) or behind a syslog header',
  detect: (record) => record.indexOf('SRC=') !== -1 && (record.indexOf('IN=') !== -1 || record.indexOf('OUT=') !== -1),
  parse: parseNetfilterLine,
};

function parseNetfilterLine(record: string, ctx: ParseContext): ParsedFields | ParseFailure {
  if (syslogParser.detect(record)) {
    const viaSyslog = syslogParser.parse(record, ctx);
    if (!isFailure(viaSyslog) && viaSyslog.event?.dataset === 'netfilter') return viaSyslog;
  }
  const fields = decodeNetfilter(record);
  if (fields === undefined) return { failure: 'not a netfilter LOG line: no IN=/OUT= key list with valid SRC= and DST= addresses' };
  return { '@timestamp': ctx.now.toISOString(), message: record, ...fields, tags: ['timestamp_missing'] };
}
