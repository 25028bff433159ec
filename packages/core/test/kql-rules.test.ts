// The `kuery` queries of Elastic's prebuilt detection rules in ../shared/fixtures/elastic-detection-rules
// (see ../shared/fixtures/SOURCES.md) through the KQL compiler: the grammar must cover every one.
// Whether they match Vigil's events is tested against Elasticsearch in test/elastic-rules.int.test.ts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fixturesDir, readFixture } from '@vigil/testkit';
import { parse } from 'smol-toml';
import { compileKql } from '../src/index.ts';

const RULES = 'elastic-detection-rules';

interface RuleFile {
  file: string;
  rule: { name: string; language: string; query: string };
}

function rules(): RuleFile[] {
  const dir = join(fixturesDir(), RULES);
  if (!existsSync(dir)) throw new Error(`the fixture folder ${dir} is absent: these tests read Elastic's detection rules from it (see ../shared/fixtures/SOURCES.md)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.toml'))
    .sort()
    .map((file) => ({ file, rule: (parse(readFixture(`${RULES}/${file}`)) as unknown as RuleFile).rule }));
}

/** Every leaf query of a DSL tree, as `type field` (`match event.action`), to see what a rule asks. */
function leaves(dsl: unknown): string[] {
  const [type, body] = Object.entries(dsl as Record<string, unknown>)[0]!;
  const b = body as Record<string, unknown>;
  if (type === 'bool') return ['filter', 'should', 'must_not'].flatMap((k) => (b[k] === undefined ? [] : [b[k]].flat().flatMap(leaves)));
  if (type === 'exists') return [`exists ${String(b.field)}`];
  return [`${type} ${Object.keys(b)[0]}`];
}

describe('the kuery rules of elastic-detection-rules', () => {
  const kuery = rules().filter((r) => r.rule.language === 'kuery');

  it('are the 11 rules of the fixture written in KQL', () => {
    expect(kuery.map((r) => r.file.replace(/\.toml$/, ''))).toEqual([
      'command_and_control_accepted_default_telnet_port_connection',
      'command_and_control_rdp_remote_desktop_protocol_from_the_internet',
      'command_and_control_vnc_virtual_network_computing_from_the_internet',
      'discovery_potential_network_sweep_detected',
      'discovery_potential_syn_port_scan_detected',
      'initial_access_first_time_public_key_authentication',
      'initial_access_rpc_remote_procedure_call_from_the_internet',
      'initial_access_smb_windows_file_sharing_activity_from_the_internet',
      'initial_access_successful_ssh_authentication_by_unusual_ip',
      'initial_access_successful_ssh_authentication_by_unusual_user',
      'persistence_ssh_via_backdoored_system_user',
    ]);
  });

  it.each(kuery.map((r) => [r.file, r.rule.query] as const))('%s compiles', (_file, query) => {
    const dsl = compileKql(query);
    // a rule with a filter of several clauses is one bool at the top, never free text
    expect(Object.keys(dsl)).toEqual(['bool']);
    expect(leaves(dsl).filter((l) => l.startsWith('multi_match') || l.startsWith('query_string'))).toEqual([]);
  });

  const queryOf = (name: string) => kuery.find((r) => r.file === `${name}.toml`)!.rule.query;

  it('reads the public-key SSH rule as five term filters', () => {
    expect(compileKql(queryOf('initial_access_first_time_public_key_authentication'))).toEqual({
      bool: {
        filter: [
          { match: { 'event.category': 'authentication' } },
          { match: { 'host.os.type': 'linux' } },
          { match: { 'event.action': 'ssh_login' } },
          { match: { 'event.outcome': 'success' } },
          { match: { 'system.auth.ssh.method': 'publickey' } },
        ],
      },
    });
  });

  it('reads the SYN port scan rule: a value list, an exists, a range and CIDR values', () => {
    expect(compileKql(queryOf('discovery_potential_syn_port_scan_detected'))).toEqual({
      bool: {
        filter: [
          { bool: { should: [{ match: { 'event.action': 'network_flow' } }, { match: { 'event.action': 'flow_started' } }], minimum_should_match: 1 } },
          { exists: { field: 'destination.port' } },
          { range: { 'network.packets': { lte: 2 } } },
          {
            bool: {
              should: [{ match: { 'source.ip': '10.0.0.0/8' } }, { match: { 'source.ip': '172.16.0.0/12' } }, { match: { 'source.ip': '192.168.0.0/16' } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('reads the backdoored-system-user rule’s quoted lists as phrases, 23 user names', () => {
    const dsl = compileKql(queryOf('persistence_ssh_via_backdoored_system_user'));
    const counts = leaves(dsl).reduce<Record<string, number>>((n, l) => ({ ...n, [l]: (n[l] ?? 0) + 1 }), {});
    expect(counts).toEqual({
      'match event.category': 1,
      'match host.os.type': 1,
      'match_phrase event.action': 2,
      'match_phrase user.name': 23,
      'match event.outcome': 1,
    });
  });

  it('reads the telnet rule’s `not` inside value lists and `not *` as a missing field', () => {
    const dsl = compileKql(queryOf('command_and_control_accepted_default_telnet_port_connection'));
    const text = JSON.stringify(dsl);
    expect(text).toContain(JSON.stringify({ bool: { should: [{ match: { 'network.protocol': 'telnet' } }, { bool: { must_not: { exists: { field: 'network.protocol' } } } }], minimum_should_match: 1 } }));
    expect(text).toContain(JSON.stringify({ bool: { filter: [{ match: { 'event.type': 'connection' } }, { bool: { must_not: { bool: { should: [{ match: { 'event.type': 'denied' } }, { match: { 'event.type': 'end' } }], minimum_should_match: 1 } } } }] } }));
    expect(text).toContain(JSON.stringify({ range: { 'network.packets': { gt: 1 } } }));
  });
});
