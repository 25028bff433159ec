import { loadValidated, VigilValidationError } from '@vigil/core';
import { watchSchema } from '../../src/registry.ts';

/**
 * The problems `vigil watch validate` would print for a watch whose one action, named `name`, is
 * `type` with the options in `yaml` (one option per line); `[]` when the watch is valid.
 */
export function actionProblems(name: string, type: string, yaml: string): string[] {
  const text = ['id: test.notify', 'name: Test', 'schedule: { every: 10s }', 'input:', '  search:', '    indices: [tcpdump-*]', '    window: { size: 30s }', 'condition: { always: true }', 'actions:', `  ${name}:`, `    type: ${type}`, ...yaml.split('\n').map((l) => `    ${l}`)].join('\n');
  try {
    loadValidated('watches/test/notify.yaml', text, watchSchema());
    return [];
  } catch (error) {
    if (error instanceof VigilValidationError) return error.problems.map(String);
    throw error;
  }
}
