import { dayOf, elasticsearchError } from '@vigil/store';
import { z } from 'zod';
import type { ActionType } from '../types.ts';

const options = z.strictObject({
  /** Target index, without the prefix; a `{date}` part becomes the alert's window end day (`alerts-{date}`). */
  index: z.string().regex(/^[a-z0-9][a-z0-9._{}-]*$/, 'must be a lower-case index name without the prefix, for example notable-{date}'),
});

/**
 * Indexes the alert as a document in `<prefix>-<index>`, with an id per (alert, window), so a
 * retried run writes the same document again instead of a second one.
 */
export const indexAction: ActionType<typeof options> = {
  type: 'index',
  description: 'index the alert as a document',
  options,
  async execute(opts, context) {
    const index = `${context.indexPrefix}-${opts.index.replaceAll('{date}', dayOf(context.alert.window.to))}`;
    const id = `${context.alert.id}:${context.alert.window.to}`;
    const document = {
      '@timestamp': context.alert.window.to,
      watch: { id: context.watch.id, name: context.watch.name, severity: context.watch.severity, tags: context.watch.tags },
      alert: context.alert,
    };
    if (context.mode === 'simulate') return { status: 'simulated', detail: { index, id } };
    if (context.elasticsearch === undefined) return { status: 'failed', error: 'no Elasticsearch client given to the index action' };
    const client = context.elasticsearch;
    const url = client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch';
    // a 429/5xx or an unreachable cluster is transient (retried), a rejected document is not
    await client.index({ index, id, document, refresh: false }).catch((err: unknown) => {
      throw elasticsearchError(err, url, `indexing alert ${context.alert.id} into ${index}`);
    });
    return { status: 'executed', detail: { index, id } };
  },
};
