import { z } from 'zod';
import { templateOption } from '../http/options.ts';
import { render } from '../template.ts';
import { escapeLogText } from './escape.ts';
import type { ActionType } from '../types.ts';

const DEFAULT_MESSAGE = '[{{watch.severity}}] {{watch.name}} ({{alert.state}}): {{json alert.entity}} {{json alert.payload}}';

const options = z.strictObject({
  /** Handlebars template over `{ watch, alert }`; the default names the watch, state, entity and payload. */
  message: templateOption('Handlebars template over { watch, alert }, checked when the watch is loaded.').default(DEFAULT_MESSAGE),
  level: z.enum(['info', 'warn', 'error']).default('warn'),
});

/**
 * Writes one line to the worker's log: the simplest action, and a way to try a watch out. The rendered
 * line carries event data (user names, hosts, the entity): its control characters are written
 * visibly (`\n`, `\x1b`), so it stays one line and cannot drive the terminal that shows the log.
 */
export const logAction: ActionType<typeof options> = {
  type: 'log',
  description: 'write a line to the worker log',
  options,
  async execute(opts, context) {
    const text = render(opts.message, { watch: context.watch, alert: context.alert }, { escape: false });
    const line = escapeLogText(`${opts.level.toUpperCase()} watch=${context.watch.id} action=${context.name} ${text}`);
    if (context.mode === 'execute') context.log(line);
    return { status: context.mode === 'execute' ? 'executed' : 'simulated', detail: { line } };
  },
};
