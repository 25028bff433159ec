import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig, VigilValidationError } from '../src/index.ts';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), name);
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): VigilValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VigilValidationError) return err;
    throw err;
  }
  throw new Error('expected a VigilValidationError');
}

describe('loadConfig', () => {
  const noFileCwd = mkdtempSync(join(tmpdir(), 'vigil-cwd-'));

  it('uses the loopback defaults when nothing is set', () => {
    expect(loadConfig({ env: {}, cwd: noFileCwd })).toEqual({
      elasticsearch: { url: 'http://127.0.0.1:9200' },
      redis: { url: 'redis://127.0.0.1:6379' },
      smtp: { url: 'smtp://127.0.0.1:1025', from: 'Vigil <vigil@localhost>', to: ['security@localhost'] },
      delivery: { deadlineMs: 3_600_000, lockDurationMs: 30_000 },
      indexPrefix: 'vigil',
    });
  });

  it('takes every documented variable from the environment', () => {
    const config = loadConfig({
      cwd: noFileCwd,
      env: {
        VIGIL_ELASTICSEARCH_URL: 'https://elastic:secret@es.example:9200',
        VIGIL_ELASTICSEARCH_API_KEY: 'a2V5OnZhbHVl',
        VIGIL_REDIS_URL: 'rediss://redis.example:6380/2',
        VIGIL_SMTP_URL: 'smtps://mailer:pw@mail.example:465',
        VIGIL_SMTP_FROM: 'SOC <soc@example.org>',
        VIGIL_SMTP_TO: 'soc@example.org, oncall@example.org',
        VIGIL_DELIVERY_DEADLINE: '2h',
        VIGIL_DELIVERY_LOCK_DURATION: '10s',
        VIGIL_INDEX_PREFIX: 'soc_1',
      },
    });
    expect(config).toEqual({
      elasticsearch: { url: 'https://elastic:secret@es.example:9200', apiKey: 'a2V5OnZhbHVl' },
      redis: { url: 'rediss://redis.example:6380/2' },
      smtp: { url: 'smtps://mailer:pw@mail.example:465', from: 'SOC <soc@example.org>', to: ['soc@example.org', 'oncall@example.org'] },
      delivery: { deadlineMs: 7_200_000, lockDurationMs: 10_000 },
      indexPrefix: 'soc_1',
    });
  });

  it('reads vigil.yaml from the working directory, and the environment overrides it', () => {
    const file = tempFile('vigil.yaml', 'redis:\n  url: redis://10.0.0.5:6379\nindex_prefix: fromfile\n');
    const cwd = join(file, '..');
    const config = loadConfig({ cwd, env: { VIGIL_INDEX_PREFIX: 'fromenv' } });
    expect(config.redis.url).toBe('redis://10.0.0.5:6379');
    expect(config.indexPrefix).toBe('fromenv');
    expect(config.file).toBe(file);
  });

  it('names the environment variable that holds a bad value', () => {
    const err = errorOf(() => loadConfig({ cwd: noFileCwd, env: { VIGIL_REDIS_URL: 'localhost:6379' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      'environment variable VIGIL_REDIS_URL: redis.url: must be a redis:// or rediss:// URL, for example redis://127.0.0.1:6379',
    );
  });

  it('rejects an index prefix Elasticsearch would refuse, naming the variable', () => {
    const err = errorOf(() => loadConfig({ cwd: noFileCwd, env: { VIGIL_INDEX_PREFIX: 'Vigil' } }));
    expect(err.message).toMatch(/^environment variable VIGIL_INDEX_PREFIX: index_prefix: must be 1-64 lower-case/);
  });

  it('reports every bad key of the file with file:line, unknown keys included', () => {
    const file = tempFile(
      'bad.yaml',
      ['elasticsearch:', '  url: ftp://es:9200', '  usr: admin', 'smtp:', '  url: smtp://ok:25', 'index_prefix: "-x"', ''].join('\n'),
    );
    const err = errorOf(() => loadConfig({ file, env: {} }));
    expect(err.problems.map((p) => p.toString())).toEqual([
      `${file}:2: elasticsearch.url: must be a http:// or https:// URL, for example http://127.0.0.1:9200`,
      `${file}:3: elasticsearch.usr: unknown key`,
      `${file}:6: index_prefix: must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit`,
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const file = tempFile('syntax.yaml', 'redis:\n  url: redis://a:1\n  url: redis://b:2\n');
    const err = errorOf(() => loadConfig({ file, env: {} }));
    expect(err.problems[0]?.code).toBe('YAML_SYNTAX');
    expect(err.problems[0]?.toString()).toMatch(new RegExp(`^${file}:3: .*[Uu]nique`));
  });

  it('says plainly when an explicitly named file is missing', () => {
    expect(() => loadConfig({ file: '/nonexistent/vigil.yaml', env: {} })).toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: expect.stringContaining('cannot read configuration file') }),
    );
  });
});
