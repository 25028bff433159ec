import { errors, type Client } from '@elastic/elasticsearch';
import { indexTemplates, type TextFieldType } from './templates.ts';
import { SYSTEM_INDICES, systemIndex } from './indices.ts';
import { probeTextFieldType } from './text-fields.ts';

/** What `setupIndices` did: templates are always (re)written; system indices are created once. */
export interface SetupReport {
  /** How the event template maps full text, as this cluster allows (see `probeTextFieldType`). */
  textType: TextFieldType;
  templates: string[];
  created: string[];
  existing: string[];
}

function alreadyExists(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception';
}

/**
 * Installs the index templates of `prefix` and creates its non-dated system indices. Idempotent:
 * running it again on the same cluster rewrites the templates with the same content and leaves
 * existing indices alone. A cluster that gained `match_only_text` since the last run gets it in the
 * event template: new daily indices use it, existing ones keep their mappings.
 */
export async function setupIndices(client: Client, prefix: string): Promise<SetupReport> {
  const textType = await probeTextFieldType(client, prefix);
  const report: SetupReport = { textType, templates: [], created: [], existing: [] };
  for (const template of indexTemplates(prefix, { textType })) {
    await client.indices.putIndexTemplate(template.body);
    report.templates.push(template.name);
  }
  for (const name of SYSTEM_INDICES) {
    const index = systemIndex(prefix, name);
    try {
      await client.indices.create({ index, wait_for_active_shards: 1 });
      report.created.push(index);
    } catch (err) {
      if (!alreadyExists(err)) throw err;
      report.existing.push(index);
    }
  }
  return report;
}

/** Template names of `prefix` that are missing from the cluster (empty when `vigil setup` has run). */
export async function missingTemplates(client: Client, prefix: string): Promise<string[]> {
  // names do not depend on the text type
  const wanted = indexTemplates(prefix, { textType: 'text' }).map((t) => t.name);
  const found = await client.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
  const have = new Set((found.index_templates ?? []).map((t) => t.name));
  return wanted.filter((name) => !have.has(name));
}
