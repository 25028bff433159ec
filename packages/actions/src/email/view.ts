import { templateData } from '../http/options.ts';
import type { ActionContext } from '../types.ts';

/** Entity (then payload) fields that name the attacker and the target, first found wins. */
const ATTACKER_FIELDS = ['source.ip', 'source.address', 'client.ip', 'source.domain'];
const TARGET_FIELDS = ['destination.ip', 'destination.address', 'server.ip', 'destination.domain', 'host.name', 'host.hostname', 'host'];

const SEVERITY_COLOURS: Record<string, string> = { low: '#1a7f37', medium: '#9a6700', high: '#cf222e', critical: '#6e0b0b' };

/** A word a POSIX shell reads back as exactly `text`: bare when harmless, else in single quotes. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The command that acknowledges this alert: `vigil watch ack <id> --entity '<entity key>'`. */
export function ackCommand(watchId: string, entityKey: string): string {
  const command = `vigil watch ack ${shellWord(watchId)}`;
  // the whole-watch entity {} is the watch's only alert: no --entity needed
  return entityKey === '{}' ? command : `${command} --entity '${entityKey.replaceAll("'", `'\\''`)}'`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `2026-11-22T09:49:30.000Z` → `2026-11-22 09:49:30 UTC`. */
function time(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/**
 * What the mail templates see: {@link templateData} plus facts worked out for a reader on a phone.
 *
 * - `severity` (upper case) and `severity_colour`;
 * - `attacker`, `target` (from `source.ip`, `destination.ip`, `host.name`... of the entity, then of
 *   the payload) and `headline` (`attacker → target`, or the entity's fields);
 * - `facts`: `[{name, value}]`, Attacker, Target, the entity's other fields, then the payload's
 *   fields except `summary` (which the default templates show as a sentence of its own);
 * - `when`: `window_from`, `window_to`, `first_seen`, `last_seen` as `YYYY-MM-DD HH:MM:SS UTC`;
 * - `ack_command`: the exact `vigil watch ack` command line for this entity.
 */
export function mailView(context: ActionContext): Record<string, unknown> {
  const { alert, watch } = context;
  const find = (fields: string[]) => {
    for (const source of [alert.entity, alert.payload]) {
      const name = fields.find((f) => source[f] !== undefined && source[f] !== null && source[f] !== '');
      if (name !== undefined) return { name, value: text(source[name]), inEntity: source === alert.entity };
    }
    return undefined;
  };
  const attacker = find(ATTACKER_FIELDS);
  const target = find(TARGET_FIELDS);
  const used = new Set([attacker, target].flatMap((f) => (f?.inEntity === true ? [f.name] : [])));
  // a key field without a value (a composite's missing bucket: `host.name` of a Linux host) says nothing
  const others = Object.entries(alert.entity)
    .filter(([name, value]) => !used.has(name) && value !== null && value !== undefined)
    .map(([name, value]) => ({ name, value: text(value) }));
  const figures = Object.entries(alert.payload)
    .filter(([name]) => name !== 'summary')
    .map(([name, value]) => ({ name, value: text(value) }));
  const facts = [...(attacker === undefined ? [] : [{ name: 'Attacker', value: attacker.value }]), ...(target === undefined ? [] : [{ name: 'Target', value: target.value }]), ...others, ...figures];

  const pair = [attacker?.value, target?.value].filter((v) => v !== undefined).join(' → ');
  const headline = [pair, ...others.map((f) => `${f.name}=${f.value}`)].filter((part) => part !== '').join(', ');

  return {
    ...templateData(context),
    severity: watch.severity.toUpperCase(),
    severity_colour: SEVERITY_COLOURS[watch.severity] ?? '#59636e',
    attacker: attacker?.value,
    target: target?.value,
    headline,
    facts,
    when: { window_from: time(alert.window.from), window_to: time(alert.window.to), first_seen: time(alert.first_seen), last_seen: time(alert.last_seen) },
    ack_command: ackCommand(watch.id, alert.entity_key),
  };
}
