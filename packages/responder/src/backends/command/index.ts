import { z } from 'zod';
import { defineBackend, type BlockBackend } from '../types.ts';
import { buildArgv, templateProblems, templateValues, type PlaceholderName } from './template.ts';

function argvTemplate(allowed: readonly PlaceholderName[]) {
  return z
    .array(z.string().min(1, 'must not be empty'))
    .min(1, 'must name a program')
    .superRefine((argv, ctx) => {
      for (const problem of templateProblems(argv, allowed)) ctx.addIssue({ code: 'custom', path: [problem.index], message: problem.message });
    });
}

/** `backend:` for `type: command`. */
export const commandOptions = z.strictObject({
  type: z.literal('command'),
  /**
   * The argv that blocks, e.g. `[ansible-playbook, pf-block.yml, -e, 'ip={ip}', -e, 'minutes={duration_minutes}']`.
   * Run with execFile, no shell. Placeholders: `{ip}`, `{duration}` (seconds), `{duration_minutes}`.
   */
  block: argvTemplate(['ip', 'duration', 'duration_minutes']),
  /** The argv that lifts a block, at expiry or on an unblock request. Placeholder: `{ip}`. */
  unblock: argvTemplate(['ip']),
});

export type CommandOptions = z.output<typeof commandOptions>;

/**
 * `command`: an argv template per operation, for firewalls the responder does not drive itself
 * (an Ansible playbook for a pfSense firewall, as in seed 003). `block` runs once per new block;
 * the responder runs `unblock` at expiry, so `{duration}` is for tools that want to know it. An
 * extension moves the expiry without running `block` again (no second rule), and a restart does not
 * re-run it (the remote firewall kept its rule).
 */
export const commandBackend = defineBackend({
  type: 'command',
  schema: commandOptions,
  create(options, { run }): BlockBackend {
    return {
      type: 'command',
      nativeTimeout: false,
      families: new Set<4 | 6>([4, 6]),
      prepare: async () => undefined,
      apply: async (target, remainingMs, reason) => {
        if (reason !== 'new') return;
        await run(buildArgv(options.block, templateValues(target.ip, remainingMs)));
      },
      remove: async (target) => {
        await run(buildArgv(options.unblock, { ip: target.ip }));
      },
    };
  },
});
