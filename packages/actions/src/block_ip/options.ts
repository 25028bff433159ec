import { durationSchema, formatDuration } from '@vigil/core';
import { templateOption } from '../http/options.ts';
import { HOST_ID } from '@vigil/responder/protocol';
import { z } from 'zod';

/** OSSEC's `repeated_offenders` default ladder after the first block: 120, 360, 1440, 10080 minutes. */
export const DEFAULT_REPEATED_OFFENDERS = ['120m', '360m', '1440m', '10080m'] as const;
export const DEFAULT_REASON = 'Vigil watch "{{watch.name}}" ({{watch.id}}) on {{alert.entity_key}}';

const template = templateOption;

const blockDuration = (description: string) => durationSchema({ min: 1000, description });

/** Each step of the ladder at least as long as the one before: a shrinking ladder is a typo. */
function nonDecreasing(steps: number[], ctx: z.RefinementCtx): void {
  steps.forEach((ms, i) => {
    const before = steps[i - 1];
    if (before !== undefined && ms < before) ctx.addIssue({ code: 'custom', path: [i], message: `${formatDuration(ms)} after ${formatDuration(before)}: each repeat-offender block must last at least as long as the one before` });
  });
}

/**
 * Options of `block_ip`. The whole ladder is `[duration, ...repeated_offenders]`: a first offence
 * gets `duration`, the n-th earlier block of the same address within `lookback` moves n steps up,
 * and the last step repeats.
 */
export const blockIpOptions = z.strictObject({
  ip: template('The address to block: a template over { watch, alert, entity, payload, window }, rendered without escaping and then required to be exactly one IPv4 or IPv6 address (default {{entity.[source.ip]}}).').default(
    '{{entity.[source.ip]}}',
  ),
  duration: blockDuration('How long a first offence is blocked (default 60m).').prefault('60m'),
  repeated_offenders: z
    .array(blockDuration('One step of the repeat-offender ladder.'))
    .max(20)
    .superRefine(nonDecreasing)
    .prefault([...DEFAULT_REPEATED_OFFENDERS])
    .describe('Block durations for the 2nd, 3rd... offence of an address within `lookback`; the last one repeats (default [120m, 360m, 1440m, 10080m], as OSSEC). [] blocks every offence for `duration`.'),
  lookback: durationSchema({ min: 0, description: 'Earlier blocks of the address count as offences this far back from the alert (default 30d).' }).prefault('30d'),
  responders: z
    .array(z.string().regex(HOST_ID, 'must be a responder host id: lower-case letters, digits, ".", "_" or "-"'))
    .min(1)
    .refine((hosts) => new Set(hosts).size === hosts.length, 'lists a host twice')
    .optional()
    .describe('Protected hosts whose responders block the address (default: every responder that has announced itself).'),
  reason: template('Why, as the responder and the audit record it: a template over { watch, alert, entity, payload, window }, made one line (default names the watch and the entity).').default(DEFAULT_REASON),
});

export type BlockIpOptions = z.output<typeof blockIpOptions>;
