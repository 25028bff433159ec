// vigil doctor's secrets check: which secrets the enabled watches name (secret: options and
// {{secret "..."}} in templates, in actions, on_resolve and on_response), and which this environment lacks.
import { describe, expect, it } from '@jest/globals';
import { watchSchema } from '@vigil/actions';
import { ManualClock } from '@vigil/core';
import { MemoryWatchRegistry } from '@vigil/store';
import { checkSecrets, secretsNeeded } from '../src/doctor/secrets.ts';

const base = { schedule: { every: '1m' }, input: { search: { indices: ['auth-*'], window: { size: '1m' }, query: { match_all: {} } } }, condition: { always: true } };

async function registry() {
  const r = new MemoryWatchRegistry({ clock: new ManualClock('2026-12-02T10:00:00Z') });
  await r.put(watchSchema().parse({ ...base, id: 'test.slack', name: 'slack', actions: { s: { type: 'slack', secret: 'slack_soc' } }, on_response: { r: { type: 'slack', secret: 'slack_ops' } } }));
  await r.put(watchSchema().parse({ ...base, id: 'test.hook', name: 'hook', actions: { w: { type: 'webhook', url: 'https://st2.example/api', headers: { 'St2-Api-Key': '{{secret "st2_api_key"}}' } } } }));
  await r.put(watchSchema().parse({ ...base, id: 'test.off', name: 'off', enabled: false, actions: { s: { type: 'slack', secret: 'unused' } } }));
  return r;
}

describe('doctor: secrets', () => {
  it('finds the secrets of enabled watches in options and templates', async () => {
    expect(Object.fromEntries(secretsNeeded(await (await registry()).list()))).toEqual({ slack_soc: ['test.slack'], slack_ops: ['test.slack'], st2_api_key: ['test.hook'] });
  });

  it('warns with the variables to set for the ones this environment lacks', async () => {
    const result = await checkSecrets(await registry(), { VIGIL_SECRET_SLACK_SOC: 'https://hooks.slack.com/services/T/B/x' });
    expect(result).toMatchObject({ name: 'secrets', status: 'warn', summary: 'not set: slack_ops (test.slack); st2_api_key (test.hook): those actions fail' });
    expect(result.fix).toContain('export VIGIL_SECRET_SLACK_OPS=... VIGIL_SECRET_ST2_API_KEY=...');
  });

  it('is ok when every secret is set', async () => {
    const env = { VIGIL_SECRET_SLACK_SOC: 'a', VIGIL_SECRET_SLACK_OPS: 'b', VIGIL_SECRET_ST2_API_KEY: 'c' };
    expect(await checkSecrets(await registry(), env)).toEqual({ name: 'secrets', status: 'ok', summary: '3 secret(s) the watches need are set' });
  });
});
