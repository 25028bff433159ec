import { errors, type Client } from '@elastic/elasticsearch';
import { eventTemplateName, indexTemplates, type TextFieldType } from './templates.ts';

interface ErrorCause {
  type?: string;
  reason?: string | null;
  caused_by?: ErrorCause;
}

/** True when Elasticsearch refused a mapping because it does not know the `match_only_text` type. */
function unknownMatchOnlyText(err: unknown): boolean {
  if (!(err instanceof errors.ResponseError) || err.statusCode !== 400) return false;
  for (let cause = (err.body as { error?: ErrorCause } | undefined)?.error; cause !== undefined; cause = cause.caused_by) {
    if (cause.type === 'mapper_parsing_exception' && /\[match_only_text\]/.test(cause.reason ?? '')) return true;
  }
  return false;
}

/**
 * The text type this cluster can map: `match_only_text` where it has the type (the mapper-extras module
 * of every stock distribution), else `text`. Asks Elasticsearch to simulate the event template of
 * `prefix` built with `match_only_text`, under the template's own name, so the check sees what the real
 * put would (index patterns, priority, overlaps) and replaces an installed version in the simulation
 * only. Changes nothing, and needs no privilege beyond setup's own (`manage_index_templates`).
 * Any other refusal is thrown: the put would be refused too.
 */
export async function probeTextFieldType(client: Client, prefix: string): Promise<TextFieldType> {
  const events = indexTemplates(prefix, { textType: 'match_only_text' }).find((t) => t.name === eventTemplateName(prefix));
  if (events === undefined) throw new Error(`no event template for prefix "${prefix}"`);
  try {
    await client.indices.simulateTemplate(events.body);
    return 'match_only_text';
  } catch (err) {
    if (unknownMatchOnlyText(err)) return 'text';
    throw err;
  }
}

/**
 * The text type of the event template installed for `prefix`, read from its `message` mapping (what
 * new daily indices get), or `undefined` when the template is absent or maps `message` otherwise.
 */
export async function installedTextFieldType(client: Client, prefix: string): Promise<TextFieldType | undefined> {
  const found = await client.indices.getIndexTemplate({ name: eventTemplateName(prefix) }, { ignore: [404] });
  const properties = found.index_templates?.[0]?.index_template.template?.mappings?.properties;
  const type = (properties?.message as { type?: string } | undefined)?.type;
  return type === 'match_only_text' || type === 'text' ? type : undefined;
}
