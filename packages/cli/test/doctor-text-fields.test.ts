// vigil doctor's text-fields line: what the installed event template maps, and whether it still fits
// what the cluster can map (setup not re-run after the cluster changed).
import { describe, expect, it } from '@jest/globals';
import { textFieldsResult } from '../src/doctor/elasticsearch.ts';

describe('doctor: text fields', () => {
  it('reports the installed type when the cluster agrees', () => {
    expect(textFieldsResult('match_only_text', 'match_only_text', 'vigil')).toMatchObject({ name: 'text fields', status: 'ok', summary: expect.stringMatching(/^match_only_text: message, error\.message and the \.text multi-fields/) });
    expect(textFieldsResult('text', 'text', 'vigil')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^text: this cluster has no match_only_text/) });
  });

  it('warns when the cluster gained match_only_text since setup ran', () => {
    const result = textFieldsResult('text', 'match_only_text', 'vigil');
    expect(result).toMatchObject({ status: 'warn', summary: 'the event template maps text fields as text, but this cluster has match_only_text' });
    expect(result.fix).toMatch(/^run vigil setup: new daily indices then use match_only_text/);
  });

  it('fails when the template names a type the cluster no longer has', () => {
    expect(textFieldsResult('match_only_text', 'text', 'vigil')).toMatchObject({ status: 'fail', fix: 'run vigil setup: the template falls back to text' });
  });

  it('reports the template alone when this user may not probe the cluster', () => {
    expect(textFieldsResult('text', undefined, 'vigil')).toMatchObject({ status: 'ok', summary: expect.stringContaining('(read from the template: this user may not simulate templates') });
  });

  it('warns about an event template that maps message otherwise', () => {
    expect(textFieldsResult(undefined, 'text', 'soc')).toMatchObject({ status: 'warn', summary: 'the event template of prefix "soc" maps message neither as match_only_text nor as text' });
  });
});
