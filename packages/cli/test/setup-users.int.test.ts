// `vigil setup --users`: passwords are checked before anything is written, and a cluster that cannot
// store native users (the test distribution has no .security index) gives one error line, not a trace.
// What the roles allow is proved in packages/store/test/security-roles.int.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { VigilError, loadConfig } from '@vigil/core';
import { createElasticsearchClient, missingTemplates } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { setupCommand } from '../src/commands/setup.ts';
import type { Output } from '../src/output.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('setup-users');
let client: Client;

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), error: (l) => lines.push(l) };
}

const config = () => loadConfig({ env: { VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_INDEX_PREFIX: prefix }, cwd: '/' });

beforeAll(() => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('vigil setup --users', () => {
  it('refuses a short or URL-unsafe password variable, naming it, before writing anything', async () => {
    for (const [variable, value] of [['VIGIL_ES_INGEST_PASSWORD', 'short'], ['VIGIL_ES_ADMIN_PASSWORD', 'has spaces and @ signs in it!']] as const) {
      const out = capture();
      const failure = await setupCommand(config(), out, { users: true, env: { [variable]: value } }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(VigilError);
      expect({ code: (failure as VigilError).code, message: (failure as VigilError).message }).toEqual({ code: 'CONFIG_INVALID', message: expect.stringContaining(variable) });
      expect((failure as VigilError).message).not.toContain(value);
    }
    expect(await missingTemplates(client, prefix)).toHaveLength(7);
  });

  it('reports a cluster without a native realm as one Elasticsearch error line', async () => {
    const failure = await setupCommand(config(), capture(), { users: true, env: {} }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(VigilError);
    expect((failure as VigilError).code).toBe('SERVICE_REJECTED');
    expect((failure as VigilError).message).toMatch(/^elasticsearch at http:\/\/vigil:\*\*\*@127\.0\.0\.1:\d+ answered 400 to installing index templates, roles and users: /);
    expect((failure as VigilError).message).not.toContain('\n');
  });

  it('without --users, installs templates only and touches no user', async () => {
    const out = capture();
    expect(await setupCommand(config(), out)).toBe(0);
    expect(out.lines.join('\n')).not.toMatch(/role and user/);
    expect(await missingTemplates(client, prefix)).toEqual([]);
  });
});
