// The roles of `vigil setup --users`, proved on the real Elasticsearch (security on): each role can do
// its job and cannot delete an index, forge what another role writes, or read what it does not need.
//
// The test cluster (integ-test-zip) has no analysis-common, so it cannot create its `.security` index:
// the native realm (`PUT _security/role|user`, what `setupUsers` calls) answers 400 there. The same
// role descriptors are therefore loaded through the file realm, which Elasticsearch reloads by itself
// (roles.yml, users, users_roles in its config folder): the descriptors are what is under test, and
// they are byte for byte what setupUsers sends. Files are replaced atomically and restored after.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { errors, type Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix, until } from '@vigil/testkit';
import { createElasticsearchClient, ensureIndicesSetUp, setupIndices } from '../src/index.ts';
import { VIGIL_ROLES, roleName, vigilRoles, type VigilRole } from '../src/security/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('security');
/** A second prefix that starts with the first one: its indices must stay out of the first's roles. */
const longer = `${prefix}-x`;
/** The running node's config folder: scripts/services puts `config/` beside `logs/` (found by asking the node, so a checkout that found the services already running edits theirs). */
let configDir = join(repoRoot(), '.services', 'elasticsearch', 'config');
const FILES = ['roles.yml', 'users', 'users_roles'] as const;
const day = '2026.12.02';
const now = '2026-12-02T10:00:00.000Z';

let admin: Client;
const clients = {} as Record<VigilRole, Client>;
const passwords = Object.fromEntries(VIGIL_ROLES.map((r) => [r, randomBytes(18).toString('hex')])) as Record<VigilRole, string>;
const originals = new Map<string, string>();

/** Elasticsearch's `{PBKDF2}` hash (Hasher.PBKDF2): cost, base64 salt, base64 PBKDF2-HMAC-SHA512 of 256 bits. */
function pbkdf2Hash(password: string): string {
  const salt = randomBytes(32);
  return `{PBKDF2}10000$${salt.toString('base64')}$${pbkdf2Sync(password, salt, 10_000, 32, 'sha512').toString('base64')}`;
}

/** Replaces a config file atomically (Elasticsearch may read it at any moment), keeping owner and mode. */
function replaceFile(name: string, content: string): void {
  const file = join(configDir, name);
  const { uid, gid, mode } = statSync(file);
  const temporary = `${file}.vigil-test-${process.pid}`;
  writeFileSync(temporary, content, { mode: mode & 0o777 });
  chownSync(temporary, uid, gid);
  renameSync(temporary, file);
}

function fileRealmEntries(): Record<(typeof FILES)[number], string> {
  const roles = vigilRoles(prefix);
  const names = VIGIL_ROLES.map((r) => roleName(prefix, r));
  return {
    // JSON is YAML: the descriptors go in exactly as setupUsers sends them
    'roles.yml': VIGIL_ROLES.map((r) => `${JSON.stringify(roleName(prefix, r))}: ${JSON.stringify(roles[r])}\n`).join(''),
    users: VIGIL_ROLES.map((r) => `${roleName(prefix, r)}:${pbkdf2Hash(passwords[r])}\n`).join(''),
    users_roles: names.map((n) => `${n}:${n}\n`).join(''),
  };
}

function as(role: VigilRole): Client {
  const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
  url.username = roleName(prefix, role);
  url.password = passwords[role];
  return createElasticsearchClient({ url: url.toString() }, { maxRetries: 0 });
}

/** The HTTP status of a request: 2xx on success, the error's status otherwise. */
async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (err) {
    if (err instanceof errors.ResponseError) return err.meta.statusCode ?? 0;
    throw err;
  }
}

/** Status of a single `create` in a bulk request (what the bulk writer sends). */
async function bulkCreate(client: Client, index: string, id = randomBytes(6).toString('hex')): Promise<number> {
  const res = await client.bulk({ operations: [{ create: { _index: index, _id: id } }, { '@timestamp': now, message: 'test' }] });
  return res.items[0]?.create?.status ?? 0;
}

async function indexDoc(client: Client, index: string): Promise<number> {
  return statusOf(client.index({ index, document: { '@timestamp': now, note: 'test' } }));
}

beforeAll(async () => {
  admin = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  const nodes = (await admin.nodes.info({ metric: 'settings', filter_path: 'nodes.*.settings.path.logs' })) as { nodes?: Record<string, { settings?: { path?: { logs?: string } } }> };
  const logs = Object.values(nodes.nodes ?? {})[0]?.settings?.path?.logs;
  if (logs !== undefined) configDir = join(dirname(logs), 'config');
  if (!existsSync(join(configDir, 'users'))) {
    throw new Error(`no file realm at ${configDir}: start the test services with scripts/services (this test loads the roles there)`);
  }
  await setupIndices(admin, prefix);
  // an event of this prefix and of the longer one, written as the superuser
  await admin.index({ index: `${prefix}-auth-${day}`, id: 'seed', document: { '@timestamp': now, message: 'seed' }, refresh: true });
  await admin.index({ index: `${longer}-auth-${day}`, id: 'seed', document: { '@timestamp': now, message: 'other prefix' }, refresh: true });

  const entries = fileRealmEntries();
  for (const name of FILES) {
    const current = readFileSync(join(configDir, name), 'utf8');
    originals.set(name, current);
    replaceFile(name, `${current}${current.endsWith('\n') || current === '' ? '' : '\n'}${entries[name]}`);
  }
  for (const role of VIGIL_ROLES) clients[role] = as(role);
  // the file realm reloads every few seconds
  for (const role of VIGIL_ROLES) {
    await until(`user ${roleName(prefix, role)} from the file realm`, async () => (await statusOf(clients[role].security.authenticate())) === 200, 60_000, 500);
  }
  await until('roles from roles.yml', async () => (await statusOf(clients.responder.index({ index: `${prefix}-responses-${day}`, document: { '@timestamp': now } }))) === 200, 60_000, 500);
}, 120_000);

afterAll(async () => {
  for (const [name, content] of originals) replaceFile(name, content);
  for (const role of VIGIL_ROLES) await clients[role]?.close();
  if (admin !== undefined) {
    await dropPrefix(admin, prefix);
    await dropPrefix(admin, longer);
    await admin.close();
  }
});

describe('ingest role', () => {
  it('creates events and dead letters of its prefix with bulk create, and auto-creates their daily indices', async () => {
    expect(await bulkCreate(clients.ingest, `${prefix}-auth-${day}`)).toBe(201);
    expect(await bulkCreate(clients.ingest, `${prefix}-netfilter-2026.12.03`)).toBe(201);
    expect(await bulkCreate(clients.ingest, `${prefix}-deadletter-${day}`)).toBe(201);
    // a replay answers 409, which the bulk writer counts as stored
    expect(await bulkCreate(clients.ingest, `${prefix}-auth-${day}`, 'seed')).toBe(409);
    // the cluster identity file offsets are keyed by (`GET /` is missing from this distribution, so
    // OffsetStore.destinationOf asks the cluster state next), and the refresh of the run-once mode
    const state = (await clients.ingest.cluster.state({ metric: 'metadata', filter_path: 'cluster_name,metadata.cluster_uuid' })) as { metadata?: { cluster_uuid?: string } };
    expect(state.metadata?.cluster_uuid).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    expect(await statusOf(clients.ingest.indices.refresh({ index: `${prefix}-auth-${day}` }))).toBe(200);
  });

  it('cannot read events, write system indices or responses, reach another prefix, or delete an index', async () => {
    expect(await statusOf(clients.ingest.search({ index: `${prefix}-auth-${day}` }))).toBe(403);
    expect(await statusOf(clients.ingest.get({ index: `${prefix}-auth-${day}`, id: 'seed' }))).toBe(403);
    for (const index of [`${prefix}-alerts`, `${prefix}-watches`, `${prefix}-responses-${day}`, `${prefix}-watch-history-${day}`, `${prefix}-notable-${day}`, `${longer}-auth-${day}`]) {
      expect({ index, status: await bulkCreate(clients.ingest, index) }).toEqual({ index, status: 403 });
    }
    // create only: no overwrite of an existing event
    expect(await statusOf(clients.ingest.index({ index: `${prefix}-auth-${day}`, id: 'seed', document: { message: 'forged' } }))).toBe(403);
    expect(await statusOf(clients.ingest.indices.delete({ index: `${prefix}-auth-${day}` }))).toBe(403);
  });

  it('starts on templates an admin installed, and refuses a prefix nobody set up instead of writing unmapped indices', async () => {
    expect(await ensureIndicesSetUp(clients.ingest, prefix)).toBe('checked');
    await expect(ensureIndicesSetUp(clients.ingest, `${prefix}x`)).rejects.toThrow(/index templates .* are missing and this user may not install them/);
  });
});

describe('watcher role', () => {
  it('searches events and writes alerts, history, deliveries, watch status, responses and notable indices', async () => {
    const found = await clients.watcher.search({ index: `${prefix}-auth-*`, query: { match_all: {} } });
    expect(found.hits.hits.map((h) => h._id)).toContain('seed');
    for (const index of [`${prefix}-alerts`, `${prefix}-watches`, `${prefix}-deliveries`, `${prefix}-watch-history-${day}`, `${prefix}-responses-${day}`, `${prefix}-notable-${day}`]) {
      expect({ index, status: await indexDoc(clients.watcher, index) }).toEqual({ index, status: 200 });
    }
    await clients.watcher.indices.refresh({ index: `${prefix}-alerts` });
    const alerts = await clients.watcher.search({ index: `${prefix}-alerts` });
    expect(alerts.hits.hits.length).toBeGreaterThan(0);
    expect(await statusOf(clients.watcher.update({ index: `${prefix}-alerts`, id: 'a1', doc: { state: 'new' }, doc_as_upsert: true }))).toBe(200);
  });

  it('cannot forge events, read another prefix, or delete an index', async () => {
    expect(await bulkCreate(clients.watcher, `${prefix}-auth-${day}`)).toBe(403);
    expect(await statusOf(clients.watcher.search({ index: `${longer}-auth-${day}` }))).toBe(403);
    // a wildcard resolves only to what the role may read: the longer prefix's event is not there
    const wide = await clients.watcher.search({ index: `${prefix}-*`, query: { match_all: {} }, size: 100 });
    expect(wide.hits.hits.map((h) => h._index).filter((i) => i.startsWith(`${longer}-`))).toEqual([]);
    expect(await statusOf(clients.watcher.indices.delete({ index: `${prefix}-alerts` }))).toBe(403);
    expect(await statusOf(clients.watcher.indices.delete({ index: `${prefix}-auth-${day}` }))).toBe(403);
  });
});

describe('responder role', () => {
  it('writes and reads the response audit', async () => {
    expect(await indexDoc(clients.responder, `${prefix}-responses-${day}`)).toBe(200);
    expect(await statusOf(clients.responder.search({ index: `${prefix}-responses-${day}` }))).toBe(200);
  });

  it('cannot read events or alerts, write anything else, or delete an index', async () => {
    expect(await statusOf(clients.responder.search({ index: `${prefix}-auth-${day}` }))).toBe(403);
    expect(await statusOf(clients.responder.search({ index: `${prefix}-alerts` }))).toBe(403);
    expect(await indexDoc(clients.responder, `${prefix}-alerts`)).toBe(403);
    expect(await bulkCreate(clients.responder, `${prefix}-auth-${day}`)).toBe(403);
    expect(await statusOf(clients.responder.indices.delete({ index: `${prefix}-responses-${day}` }))).toBe(403);
  });
});

describe('admin role', () => {
  it('runs `vigil setup` (templates, system indices) and reads and writes every index of its prefix', async () => {
    const report = await setupIndices(clients.admin, prefix);
    expect(report.existing).toEqual([`${prefix}-watches`, `${prefix}-alerts`, `${prefix}-deliveries`]);
    expect(await indexDoc(clients.admin, `${prefix}-watches`)).toBe(200);
    expect(await statusOf(clients.admin.search({ index: `${prefix}-auth-${day}` }))).toBe(200);
  });

  it('cannot delete an index, manage security, or reach another prefix', async () => {
    expect(await statusOf(clients.admin.indices.delete({ index: `${prefix}-watches` }))).toBe(403);
    expect(await statusOf(clients.admin.security.putRole({ name: `${prefix}_escalate`, cluster: ['all'] }))).toBe(403);
    expect(await statusOf(clients.admin.search({ index: `${longer}-auth-${day}` }))).toBe(403);
  });
});
