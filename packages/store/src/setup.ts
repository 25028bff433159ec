import { errors, type Client } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core/errors';
import { indexTemplates, type TextFieldType } from './templates.ts';
import { SYSTEM_INDICES, systemIndex } from './indices.ts';
import { probeTextFieldType } from './text-fields.ts';
import { passwordsFromEnv, setupUsers, type UserSetup } from './security/index.ts';

/** What `setupIndices` did: templates are always (re)written; system indices are created once. */
export interface SetupReport {
  /** How the event template maps full text, as this cluster allows (see `probeTextFieldType`). */
  textType: TextFieldType;
  templates: string[];
  created: string[];
  existing: string[];
  /** Only with `users`: the roles and users of the prefix, one entry per role. */
  users?: UserSetup[];
}

/** Options of {@link setupIndices}. */
export interface SetupOptions {
  /**
   * Also create or update the prefix's Elasticsearch roles and users (`vigil setup --users`), with
   * passwords from `env` (`VIGIL_ES_<ROLE>_PASSWORD`); needs a user with `manage_security`.
   */
  users?: { env: NodeJS.ProcessEnv };
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
export async function setupIndices(client: Client, prefix: string, options: SetupOptions = {}): Promise<SetupReport> {
  // read the passwords first: a bad one fails before anything is written
  const passwords = options.users === undefined ? undefined : passwordsFromEnv(options.users.env);
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
  if (passwords !== undefined) report.users = await setupUsers(client, prefix, passwords);
  return report;
}

/**
 * What a process that writes events runs at start (`vigil ingest`, `ingest serve`): {@link setupIndices}
 * where its user may install templates, and where it may not (the least-privilege `<prefix>_ingest`
 * user of `vigil setup --users`) a check that `vigil setup` installed them, so that no event index is
 * ever created without its mappings. `installed` or `checked` says which happened.
 */
export async function ensureIndicesSetUp(client: Client, prefix: string): Promise<'installed' | 'checked'> {
  try {
    await setupIndices(client, prefix);
    return 'installed';
  } catch (err) {
    if (!(err instanceof errors.ResponseError) || err.statusCode !== 403) throw err;
    const missing = await missingTemplates(client, prefix);
    if (missing.length > 0) {
      throw new VigilError('SERVICE_REJECTED', `index templates ${missing.join(', ')} are missing and this user may not install them: run vigil setup as an admin user first`, { cause: err });
    }
    return 'checked';
  }
}

/** Template names of `prefix` that are missing from the cluster (empty when `vigil setup` has run). */
export async function missingTemplates(client: Client, prefix: string): Promise<string[]> {
  // names do not depend on the text type
  const wanted = indexTemplates(prefix, { textType: 'text' }).map((t) => t.name);
  const found = await client.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
  const have = new Set((found.index_templates ?? []).map((t) => t.name));
  return wanted.filter((name) => !have.has(name));
}
