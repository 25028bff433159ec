import { VigilError, redactUrl, type VigilConfig } from '@vigil/core';
import { createElasticsearchClient, elasticsearchError, setupIndices, type SetupReport } from '@vigil/store';
import type { Output } from '../output.ts';

/** Options of `vigil setup`. */
export interface SetupCommandOptions {
  /** `--users`: also create or update the prefix's roles and users (run as the `elastic` superuser). */
  users?: boolean;
  /** Where `VIGIL_ES_<ROLE>_PASSWORD` are read (the process environment). */
  env?: NodeJS.ProcessEnv;
}

/** `vigil setup [--users]`: installs index templates and creates system indices (and roles and users); safe to run any number of times. */
export async function setupCommand(config: VigilConfig, out: Output, options: SetupCommandOptions = {}): Promise<number> {
  const client = createElasticsearchClient(config.elasticsearch);
  try {
    const doing = options.users === true ? 'installing index templates, roles and users' : 'installing index templates';
    const report = await setupIndices(client, config.indexPrefix, options.users === true ? { users: { env: options.env ?? process.env } } : {}).catch((err: unknown) => {
      // a bad password variable is already a VigilError naming it
      throw err instanceof VigilError ? err : elasticsearchError(err, config.elasticsearch.url, doing);
    });
    out.log(`elasticsearch ${redactUrl(config.elasticsearch.url)}, prefix "${config.indexPrefix}"`);
    out.log(`  templates installed: ${report.templates.join(', ')}`);
    out.log(`  text fields:         ${report.textType}${report.textType === 'text' ? ' (this cluster has no match_only_text)' : ''}`);
    if (report.created.length > 0) out.log(`  indices created:     ${report.created.join(', ')}`);
    if (report.existing.length > 0) out.log(`  indices present:     ${report.existing.join(', ')}`);
    if (report.users !== undefined) logUsers(report.users, out);
    return 0;
  } finally {
    await client.close();
  }
}

function logUsers(users: NonNullable<SetupReport['users']>, out: Output): void {
  for (const u of users) {
    const password = u.password === 'from environment' ? `password from ${u.variable}` : u.password === 'unchanged' ? `password unchanged (set ${u.variable} to change it)` : 'password generated';
    out.log(`  ${u.role.padEnd(9)} role and user ${u.name} ${u.user}, ${password}`);
  }
  const generated = users.filter((u) => u.generatedPassword !== undefined);
  if (generated.length === 0) return;
  // printed once, like elasticsearch-reset-password: Elasticsearch keeps only a hash
  out.log('  generated passwords (shown once; store them, e.g. in .env, as the variables named):');
  for (const u of generated) out.log(`    ${u.variable}=${u.generatedPassword}`);
}
