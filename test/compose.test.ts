// docker-compose.yml: a compose client validates it (no Docker engine needed for `config`), and the
// invariants the stack relies on are checked on the parsed file.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '@vigil/testkit';
import { parse, parseDocument } from 'yaml';

const root = repoRoot();
const composePath = join(root, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { host_ip?: string; target?: number; published?: string | number }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
  network_mode?: string;
  cap_add?: string[];
  profiles?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

// `merge: true`: the file shares the Vigil services' settings through `<<: *vigil` merge keys.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;
const vigilServices = Object.keys(services).filter((name) => name.startsWith('vigil-')).sort();

function service(name: string): ComposeService {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environmentOf(s: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(s.environment)) {
    for (const entry of s.environment) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else {
    for (const [key, value] of Object.entries(s.environment ?? {})) env[key] = String(value ?? '');
  }
  return env;
}

function commandOf(s: ComposeService): string[] {
  if (s.command === undefined) return [];
  return Array.isArray(s.command) ? s.command : s.command.trim().split(/\s+/);
}

function dependencies(s: ComposeService): Record<string, string> {
  if (Array.isArray(s.depends_on)) return Object.fromEntries(s.depends_on.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([d, v]) => [d, v.condition ?? 'service_started']));
}

/** The host address a published port binds: `undefined` means every interface. */
function hostIp(port: NonNullable<ComposeService['ports']>[number]): string | undefined {
  if (typeof port === 'object') return port.host_ip;
  // Variables such as ${ES_PORT:-9200} hold colons of their own: stand them in before splitting.
  const text = String(port).replace(/\$\{[^}]*\}/g, 'VAR');
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']'));
  const parts = text.split(':');
  return parts.length === 3 ? parts[0] : undefined;
}

// --- the compose client -------------------------------------------------------------------------------

interface ComposeClient {
  command: string;
  prefix: string[];
  version: string;
}

/** `docker compose` (v2 plugin) when it works, else `docker-compose` (e.g. Debian's 1.29). */
function findComposeClient(): ComposeClient | undefined {
  const candidates = [
    { command: 'docker', prefix: ['compose'] },
    { command: 'docker-compose', prefix: [] },
  ];
  for (const c of candidates) {
    const r = spawnSync(c.command, [...c.prefix, 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return { ...c, version: r.stdout.trim().split('\n')[0] ?? '' };
  }
  return undefined;
}

const client = findComposeClient();

function requireClient(): ComposeClient {
  if (client === undefined) {
    throw new Error(
      'no compose client: neither `docker compose` nor `docker-compose` runs, so docker-compose.yml cannot be validated. ' +
        "Install Debian's docker-compose package (no Docker engine needed): apt-get install -y docker-compose " +
        '(scripts/test installs it when run as root).',
    );
  }
  return client;
}

const scratch = mkdtempSync(join(tmpdir(), 'vigil-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function envFile(name: string, content: string): string {
  const file = join(scratch, name);
  writeFileSync(file, content);
  return file;
}

/**
 * `config -q` on `file`, with relative paths resolved from the checkout and variables from `env`
 * only: the caller's ELASTIC_PASSWORD and a developer's `.env` are both kept out.
 */
function composeConfig(file: string, env: string): SpawnSyncReturns<string> {
  const c = requireClient();
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key !== 'ELASTIC_PASSWORD' && !key.startsWith('COMPOSE_')) childEnv[key] = value;
  }
  return spawnSync(c.command, [...c.prefix, '--project-directory', root, '--env-file', env, '-f', file, 'config', '-q'], {
    encoding: 'utf8',
    env: childEnv,
    timeout: 60_000,
  });
}

/** Exit status and output together, so a failed expectation shows what the client said. */
function outcome(r: SpawnSyncReturns<string>): { exit: number | null; output: string } {
  return { exit: r.status, output: `${r.error?.message ?? ''}${r.stdout}${r.stderr}`.trim() };
}

/** Every variable the stack requires (`${VAR:?…}`), with a value. */
const REQUIRED = {
  ELASTIC_PASSWORD: 'compose-test-password',
  REDIS_PASSWORD: 'compose-test-redis-password',
  VIGIL_ES_INGEST_PASSWORD: 'compose-test-ingest-password',
  VIGIL_ES_WATCHER_PASSWORD: 'compose-test-watcher-password',
  VIGIL_ES_RESPONDER_PASSWORD: 'compose-test-responder-password',
  VIGIL_ES_ADMIN_PASSWORD: 'compose-test-admin-password',
};

function envText(values: Record<string, string>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join('');
}

describe('docker-compose.yml is valid for a compose client', () => {
  const withPassword = envFile('with-password.env', envText(REQUIRED));

  it('passes `config -q` with the .env scripts/start writes on a first start (every required password generated)', () => {
    const env = join(scratch, 'first-start.env');
    const made = spawnSync('bash', ['-c', 'source scripts/lib/common.sh && write_compose_env "$1"', 'bash', env], { cwd: root, encoding: 'utf8' });
    expect(outcome(made)).toEqual({ exit: 0, output: '' });
    const values = new Map(readFileSync(env, 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const name of Object.keys(REQUIRED)) expect({ name, value: values.get(name) }).toEqual({ name, value: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(values.get('KIBANA_SYSTEM_PASSWORD')).toBe('');
    expect(outcome(composeConfig(composePath, env))).toEqual({ exit: 0, output: expect.any(String) });
  });

  it('has a compose client to check it with', () => {
    expect(requireClient().version).not.toBe('');
  });

  it('passes `config -q` with ELASTIC_PASSWORD set', () => {
    expect(outcome(composeConfig(composePath, withPassword))).toEqual({ exit: 0, output: expect.any(String) });
  });

  it('fails `config -q` on a copy with an unknown service key, while the unmodified copy passes', () => {
    const copy = join(scratch, 'unmodified.yml');
    copyFileSync(composePath, copy);
    expect(outcome(composeConfig(copy, withPassword))).toEqual({ exit: 0, output: expect.any(String) });

    const doc = parseDocument(composeText);
    doc.setIn(['services', 'redis', 'not_a_compose_key'], true);
    const broken = join(scratch, 'broken.yml');
    writeFileSync(broken, doc.toString());
    const r = outcome(composeConfig(broken, withPassword));
    expect(r.exit).not.toBe(0);
    expect(r.output).toContain('not_a_compose_key');
  });

  it('fails `config -q` without ELASTIC_PASSWORD, naming it', () => {
    const r = outcome(composeConfig(composePath, envFile('empty.env', '')));
    expect(r.exit).not.toBe(0);
    expect(r.output).toContain('ELASTIC_PASSWORD');
  });

  it.each(Object.keys(REQUIRED))('fails `config -q` when only %s is missing, naming it', (name) => {
    const others = Object.fromEntries(Object.entries(REQUIRED).filter(([k]) => k !== name));
    const r = outcome(composeConfig(composePath, envFile(`without-${name}.env`, envText(others))));
    expect(r.exit).not.toBe(0);
    expect(r.output).toContain(name);
  });
});

describe('docker-compose.yml invariants', () => {
  it('runs every Vigil process from one image built from the Dockerfile', () => {
    expect(vigilServices).toEqual(['vigil-ingest', 'vigil-responder', 'vigil-scheduler', 'vigil-setup', 'vigil-watches', 'vigil-worker']);
    const images = new Set(vigilServices.map((name) => service(name).image));
    expect([...images]).toHaveLength(1);
    expect([...images][0]).toEqual(expect.any(String));
    const builds = new Set(vigilServices.map((name) => JSON.stringify(service(name).build)));
    expect(builds.size).toBe(1);
    expect(existsSync(join(root, 'Dockerfile'))).toBe(true);
    const commands = Object.fromEntries(vigilServices.map((name) => [name, commandOf(service(name)).join(' ')]));
    expect(commands).toEqual({
      'vigil-setup': 'setup --users',
      'vigil-watches': 'watch put watches',
      'vigil-ingest': 'ingest serve --metrics 0.0.0.0:9464',
      'vigil-scheduler': 'scheduler',
      'vigil-worker': 'worker',
      'vigil-responder': 'responder',
    });
  });

  it('runs the Elasticsearch version the tests run (scripts/services), with security on', () => {
    const testVersion = /^ES_VERSION="([^"]+)"/m.exec(readFileSync(join(root, 'scripts', 'services'), 'utf8'))?.[1];
    expect(testVersion).toEqual(expect.any(String));
    expect(service('elasticsearch').image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${testVersion}`);
    expect(service('kibana').image).toBe(`docker.elastic.co/kibana/kibana:${testVersion}`);
    expect(service('kibana').profiles).toEqual(['kibana']);
    const env = environmentOf(service('elasticsearch'));
    expect(env['xpack.security.enabled']).toBe('true');
    expect(env['discovery.type']).toBe('single-node');
    expect(env.ELASTIC_PASSWORD).toMatch(/^\$\{ELASTIC_PASSWORD:\?/);
  });

  it('runs Redis with AOF and noeviction', () => {
    const command = commandOf(service('redis'));
    const option = (name: string) => command[command.indexOf(name) + 1];
    expect(command).toContain('--appendonly');
    expect(option('--appendonly')).toBe('yes');
    expect(command).toContain('--maxmemory-policy');
    expect(option('--maxmemory-policy')).toBe('noeviction');
  });

  it('publishes Elasticsearch, Redis, Mailpit and Kibana on 127.0.0.1 only', () => {
    for (const name of ['elasticsearch', 'redis', 'mailpit', 'kibana']) {
      const ports = service(name).ports ?? [];
      expect({ name, count: ports.length > 0 }).toEqual({ name, count: true });
      for (const port of ports) expect({ name, port, hostIp: hostIp(port) }).toEqual({ name, port, hostIp: '127.0.0.1' });
    }
  });

  it('starts Vigil after healthy Elasticsearch and Redis, and after vigil-setup succeeded', () => {
    for (const name of vigilServices.filter((n) => n !== 'vigil-responder')) {
      const deps = dependencies(service(name));
      expect({ name, elasticsearch: deps.elasticsearch, redis: deps.redis }).toEqual({
        name,
        elasticsearch: 'service_healthy',
        redis: 'service_healthy',
      });
      if (name !== 'vigil-setup') {
        expect({ name, setup: deps['vigil-setup'] }).toEqual({ name, setup: 'service_completed_successfully' });
      }
    }
    expect(service('vigil-setup').restart).toBe('no');
  });

  it('gives the responder Redis and no Elasticsearch credentials: a protected host must not read the SIEM', () => {
    const responder = service('vigil-responder');
    expect(dependencies(responder)).toEqual({ redis: 'service_healthy', 'vigil-setup': 'service_completed_successfully' });
    expect(Object.keys(environmentOf(responder)).sort()).toEqual(['VIGIL_INDEX_PREFIX', 'VIGIL_REDIS_URL', 'VIGIL_RESPONDER_CONFIG']);
  });

  it('gives only the responder the host network and NET_ADMIN', () => {
    expect(service('vigil-responder').network_mode).toBe('host');
    expect(service('vigil-responder').cap_add).toEqual(['NET_ADMIN']);
    for (const name of Object.keys(services).filter((n) => n !== 'vigil-responder')) {
      expect({ name, network_mode: service(name).network_mode, cap_add: service(name).cap_add }).toEqual({
        name,
        network_mode: undefined,
        cap_add: undefined,
      });
    }
  });

  it('gives ELASTIC_PASSWORD (the superuser) to Elasticsearch and vigil-setup only', () => {
    const holders = Object.keys(services).filter((name) => {
      const env = environmentOf(service(name));
      return Object.values(env).some((v) => v.includes('ELASTIC_PASSWORD') || /\/\/elastic:/.test(v)) || 'ELASTIC_PASSWORD' in env;
    });
    expect(holders.sort()).toEqual(['elasticsearch', 'vigil-setup']);
    expect(environmentOf(service('vigil-setup')).VIGIL_ELASTICSEARCH_URL).toMatch(/^http:\/\/elastic:\$\{ELASTIC_PASSWORD:\?/);
  });

  it('connects each Vigil service to Elasticsearch as its own least-privilege user, and shares no API key', () => {
    const users = Object.fromEntries(
      vigilServices.map((name) => {
        const url = environmentOf(service(name)).VIGIL_ELASTICSEARCH_URL;
        return [name, url === undefined ? undefined : /^http:\/\/(.+?):\$\{([A-Z_]+):\?/.exec(url)?.slice(1, 3).join(' ')];
      }),
    );
    expect(users).toEqual({
      'vigil-setup': 'elastic ELASTIC_PASSWORD',
      'vigil-watches': '${VIGIL_INDEX_PREFIX:-vigil}_admin VIGIL_ES_ADMIN_PASSWORD',
      'vigil-ingest': '${VIGIL_INDEX_PREFIX:-vigil}_ingest VIGIL_ES_INGEST_PASSWORD',
      'vigil-scheduler': '${VIGIL_INDEX_PREFIX:-vigil}_watcher VIGIL_ES_WATCHER_PASSWORD',
      'vigil-worker': '${VIGIL_INDEX_PREFIX:-vigil}_watcher VIGIL_ES_WATCHER_PASSWORD',
      'vigil-responder': undefined,
    });
    for (const name of vigilServices) expect({ name, apiKey: environmentOf(service(name)).VIGIL_ELASTICSEARCH_API_KEY }).toEqual({ name, apiKey: undefined });
    // the setup step sets every user's password, so it has all of them
    const setupEnv = environmentOf(service('vigil-setup'));
    for (const variable of ['VIGIL_ES_INGEST_PASSWORD', 'VIGIL_ES_WATCHER_PASSWORD', 'VIGIL_ES_RESPONDER_PASSWORD', 'VIGIL_ES_ADMIN_PASSWORD']) {
      expect(setupEnv[variable]).toMatch(new RegExp(`^\\$\\{${variable}:\\?`));
    }
  });

  it('runs Redis with a required password, and every Vigil service logs in with it', () => {
    const command = commandOf(service('redis'));
    expect(command[command.indexOf('--requirepass') + 1]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(environmentOf(service('redis')).REDISCLI_AUTH).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    for (const name of vigilServices) {
      expect({ name, url: environmentOf(service(name)).VIGIL_REDIS_URL }).toEqual({ name, url: expect.stringMatching(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@/) });
    }
  });

  it('documents in .env.example every variable it reads', () => {
    // `$${VAR}` is an escape for the container's shell, not a compose variable.
    const used = new Set([...composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]));
    expect([...used].filter((v) => !documented.has(v)).sort()).toEqual([]);
  });
});
