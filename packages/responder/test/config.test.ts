import { describe, expect, it } from '@jest/globals';
import { parseResponderConfig, ResponderConfigError } from '../src/index.ts';

const parse = (text: string, overrides: Parameters<typeof parseResponderConfig>[2] = {}) => parseResponderConfig('/etc/vigil/responder.yaml', text, { env: {}, hostname: () => 'Web-1.Example.org', ...overrides });

function problemsOf(text: string, overrides: Parameters<typeof parseResponderConfig>[2] = {}): string[] {
  try {
    parse(text, overrides);
  } catch (error) {
    if (error instanceof ResponderConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('no error');
}

describe('the responder configuration', () => {
  it('has defaults for everything but the backend, whose own defaults apply', () => {
    expect(parse('backend:\n  type: ipset\n')).toEqual({
      file: '/etc/vigil/responder.yaml',
      host: 'web-1.example.org',
      redisUrl: 'redis://127.0.0.1:6379',
      indexPrefix: 'vigil',
      stateDir: '/var/lib/vigil-responder',
      maxDurationMs: 30 * 86_400_000,
      allowlist: [],
      defaultAllowlist: true,
      backend: { type: 'ipset', set: 'vigil', set6: 'vigil6', chain: 'INPUT', ipv6: true },
    });
    expect(parse('backend: { type: hosts.deny }').backend).toEqual({ type: 'hosts.deny', file: '/etc/hosts.deny', daemons: 'ALL' });
    expect(parse('backend: { type: nftables }').backend).toEqual({ type: 'nftables', table: 'vigil' });
    expect(parse('backend: { type: iptables, chain: FORWARD, ipv6: false }').backend).toEqual({ type: 'iptables', chain: 'FORWARD', ipv6: false });
  });

  it('takes --host over the file, and the environment over the file for Redis and the prefix', () => {
    const text = 'host: web-2\nredis:\n  url: rediss://responder:secret@redis.example.org:6380\nindex_prefix: prod\nmax_duration: 12h\nbackend: { type: ipset }\n';
    expect(parse(text)).toMatchObject({ host: 'web-2', redisUrl: 'rediss://responder:secret@redis.example.org:6380', indexPrefix: 'prod', maxDurationMs: 12 * 3_600_000 });
    expect(parse(text, { host: 'DB-1', env: { VIGIL_REDIS_URL: 'redis://u:p@10.0.0.5:6379', VIGIL_INDEX_PREFIX: 'stage' } })).toMatchObject({ host: 'db-1', redisUrl: 'redis://u:p@10.0.0.5:6379', indexPrefix: 'stage' });
  });

  it('reports every problem at once, each with file, line and key: unknown keys, bad values, unknown backend options', () => {
    const text = [
      'host: web 1', // 1
      'redis:', // 2
      '  url: http://redis:6379', // 3
      '  password: x', // 4
      'max_duration: forever', // 5
      'allowlist: [203.0.113.0/24, 10.0.0.1/8, not-an-address]', // 6
      'backend:', // 7
      '  type: command', // 8
      "  block: [pf-block, '{ip}', '{reason}']", // 9
      '  unblock: [pf-unblock, "{ip}", "{duration}"]', // 10
      '  netns: server', // 11
      'default_allowlist: "no"', // 12
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:1: host: must be lower-case/),
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:3: redis.url: must be a redis:\/\/ or rediss:\/\/ URL/),
      '/etc/vigil/responder.yaml:4: redis.password: unknown key',
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:5: max_duration: must be a duration/),
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:6: allowlist\[1\]: "10.0.0.1\/8" has host bits set/),
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:6: allowlist\[2\]: "not-an-address" is not an IP address/),
      expect.stringMatching(/^\/etc\/vigil\/responder.yaml:12: default_allowlist: /),
      '/etc/vigil/responder.yaml:9: backend.block[2]: unknown placeholder {reason} (the placeholders are {ip} {duration} {duration_minutes})',
      '/etc/vigil/responder.yaml:10: backend.unblock[2]: {duration} has no value here (use {ip})',
      '/etc/vigil/responder.yaml:11: backend.netns: unknown key',
    ]);
  });

  it('names an unknown backend type and the known ones, and wants a backend', () => {
    expect(problemsOf('backend:\n  type: pf\n')).toEqual(['/etc/vigil/responder.yaml:2: backend.type: unknown backend type "pf" (one of ipset, nftables, iptables, hosts.deny, command)']);
    expect(problemsOf('state_dir: /var/lib/x\n')).toEqual([expect.stringMatching(/^\/etc\/vigil\/responder.yaml:1: backend: /)]);
  });

  it('refuses option values that could become other arguments or rules', () => {
    expect(problemsOf('backend: { type: ipset, set: "-F" }')).toEqual([expect.stringMatching(/backend.set: must be an ipset name/)]);
    expect(problemsOf('backend: { type: iptables, chain: "INPUT -j ACCEPT" }')).toEqual([expect.stringMatching(/backend.chain: must be an iptables chain name/)]);
    expect(problemsOf('backend: { type: nftables, table: "vigil; flush ruleset" }')).toEqual([expect.stringMatching(/backend.table: must be an nftables table name/)]);
    expect(problemsOf('backend: { type: hosts.deny, daemons: "ALL: ALL" }')).toEqual([expect.stringMatching(/backend.daemons: must be daemon names/)]);
    expect(problemsOf('backend: { type: hosts.deny, file: hosts.deny }')).toEqual([expect.stringMatching(/backend.file: must be an absolute path/)]);
    expect(problemsOf('backend: { type: command, block: ["{ip}"], unblock: [] }')).toEqual([
      expect.stringMatching(/backend.block\[0\]: the program .* may not contain a placeholder/),
      expect.stringMatching(/backend.unblock: must name a program/),
    ]);
  });

  it('says which value is no host id and where it came from', () => {
    expect(problemsOf('backend: { type: ipset }', { hostname: () => 'web_1:x' })).toEqual([expect.stringContaining('"web_1:x" (the hostname) is not a host id')]);
    expect(problemsOf('backend: { type: ipset }', { host: 'a b' })).toEqual([expect.stringMatching(/^--host: "a b" \(--host\) is not a host id/)]);
    expect(problemsOf('backend: { type: ipset }', { env: { VIGIL_REDIS_URL: 'http://x' } })).toEqual(['VIGIL_REDIS_URL: must be a redis:// or rediss:// URL']);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(problemsOf('backend:\n  type: ipset\nbackend:\n  type: iptables\n')[0]).toMatch(/^\/etc\/vigil\/responder.yaml:3: /);
  });
});
