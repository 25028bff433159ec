// The event template as ECS maps it: keywords for the fields Elastic's rules filter on, and the text
// family (message, error.message, the `.text` multi-fields) as the cluster allows.
import { describe, expect, it } from '@jest/globals';
import type { estypes } from '@elastic/elasticsearch';
import { eventTemplateName, indexTemplates, type TextFieldType } from '../src/index.ts';

type Mapping = { type?: string; properties?: Record<string, Mapping>; fields?: Record<string, Mapping> };

/** Every mapped path of a template with its type, multi-fields as `field.sub` (like GET _mapping). */
function leafTypes(properties: Record<string, Mapping>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, m] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    if (m.properties !== undefined) for (const [p, t] of leafTypes(m.properties, `${path}.`)) out.set(p, t);
    else out.set(path, m.type ?? 'object');
    for (const [sub, f] of Object.entries(m.fields ?? {})) out.set(`${path}.${sub}`, f.type ?? 'object');
  }
  return out;
}

function eventTemplate(textType: TextFieldType) {
  const spec = indexTemplates('vigil', { textType }).find((t) => t.name === eventTemplateName('vigil'));
  if (spec === undefined) throw new Error('no event template');
  return spec.body;
}

const eventTypes = (textType: TextFieldType) => leafTypes((eventTemplate(textType).template?.mappings as estypes.MappingTypeMapping).properties as Record<string, Mapping>);
const allTypes = (textType: TextFieldType) =>
  indexTemplates('vigil', { textType }).flatMap((t) => [...leafTypes(((t.body.template?.mappings as estypes.MappingTypeMapping).properties ?? {}) as Record<string, Mapping>)]);

// ECS's own .text multi-fields (elastic/ecs generated/elasticsearch/composable/component/{user,process,host}.json)
const WITH_TEXT = ['user.name', 'user.effective.name', 'user.target.name', 'user.changes.name', 'process.name', 'process.executable', 'host.os.name', 'host.os.full'];

describe('event template: text fields', () => {
  it('uses match_only_text for message, error.message and every .text multi-field where the cluster has it', () => {
    const types = eventTypes('match_only_text');
    const texts = [...types].filter(([, t]) => t === 'match_only_text').map(([p]) => p).sort();
    expect(texts).toEqual(['error.message', 'message', ...WITH_TEXT.map((f) => `${f}.text`)].sort());
    expect([...types].filter(([, t]) => t === 'text')).toEqual([]);
    expect(eventTemplate('match_only_text')._meta).toMatchObject({ managed_by: 'vigil', text_type: 'match_only_text' });
  });

  it('falls back to text for the same fields, and no template names match_only_text, where the cluster lacks it', () => {
    const types = eventTypes('text');
    const texts = [...types].filter(([, t]) => t === 'text').map(([p]) => p).sort();
    expect(texts).toEqual(['error.message', 'message', ...WITH_TEXT.map((f) => `${f}.text`)].sort());
    expect(allTypes('text').filter(([, t]) => t === 'match_only_text')).toEqual([]);
    expect(eventTemplate('text')._meta).toMatchObject({ text_type: 'text' });
  });

  it('keeps the keyword itself under each .text, and host.name a plain keyword as ECS', () => {
    const types = eventTypes('match_only_text');
    for (const field of WITH_TEXT) expect([field, types.get(field)]).toEqual([field, 'keyword']);
    expect(types.has('host.name.text')).toBe(false);
    expect(types.has('group.name.text')).toBe(false);
  });

  it('builds the same templates from the same capability (setup is idempotent)', () => {
    expect(indexTemplates('vigil', { textType: 'text' })).toEqual(indexTemplates('vigil', { textType: 'text' }));
    const differing = indexTemplates('vigil', { textType: 'text' })
      .filter((t, i) => JSON.stringify(t) !== JSON.stringify(indexTemplates('vigil', { textType: 'match_only_text' })[i]))
      .map((t) => t.name);
    expect(differing).toEqual(['vigil-events']);
  });
});

describe('event template: the ECS fields Elastic Security reads', () => {
  const types = eventTypes('text');
  const expected: Record<string, string> = {
    'ecs.version': 'keyword',
    'host.id': 'keyword',
    'host.os.type': 'keyword',
    'host.os.family': 'keyword',
    'user.id': 'keyword',
    'user.effective.id': 'keyword',
    'user.effective.domain': 'keyword',
    'user.target.id': 'keyword',
    'user.target.domain': 'keyword',
    'user.group.name': 'keyword',
    'user.group.id': 'keyword',
    'group.name': 'keyword',
    'group.id': 'keyword',
    'group.domain': 'keyword',
    'observer.name': 'keyword',
    'observer.vendor': 'keyword',
    'observer.product': 'keyword',
    'observer.type': 'keyword',
    'observer.ingress.zone': 'keyword',
    'observer.egress.zone': 'keyword',
    'observer.ingress.interface.name': 'keyword',
    'observer.egress.interface.name': 'keyword',
    'winlog.event_data': 'object',
    'winlog.logon.failure.reason': 'keyword',
    'winlog.logon.failure.status': 'keyword',
    'winlog.logon.failure.sub_status': 'keyword',
    'system.auth.ssh.event': 'keyword',
    'system.auth.ssh.method': 'keyword',
    'system.auth.ssh.signature': 'keyword',
    'system.auth.ssh.dropped_ip': 'ip',
  };
  it.each(Object.entries(expected))('maps %s as %s', (field, type) => {
    expect(types.get(field)).toBe(type);
  });
});
