import { z } from 'zod';
import { render } from '../template.ts';
import type { ActionType } from '../types.ts';

const DEFAULT_MESSAGE = '[{{watch.severity}}] {{watch.name}} ({{alert.state}}): {{json alert.entity}} {{json alert.payload}}';

const options = z.strictObject({
  /** Handlebars template over `{ watch, alert }`; the default names the watch, state, entity and payload. */
  message: z.string().default(DEFAULT_MESSAGE),
  level: z.enum(['info', 'warn', 'error']).default('warn'),
});

/** Writes one line to the worker's log: the simplest action, and a way to try a watch out. */
export const logAction: ActionType<typeof options> = {
  type: 'log',
  description: 'write a line to the worker log',
  options,
  async execute(opts, context) {
    const text = render(opts.message, { watch: context.watch, alert: context.alert }, { escape: false });
    const line = `${opts.level.toUpperCase()} watch=${context.watch.id} action=${context.name} ${text}`;
    if (context.mode === 'execute') context.log(line);
    return { status: context.mode === 'execute' ? 'executed' : 'simulated', detail: { line } };
  },
};
