import { z } from 'zod';
import { watchSchema } from './registry.ts';

/**
 * JSON Schema of watch files, for editor completion (`watches/schema.json`, referenced by a
 * `# yaml-language-server: $schema=` line). It describes what a file may contain (durations as
 * text); checks that JSON Schema cannot state (expressions, templates, cron) stay with `vigil watch validate`.
 */
export function watchJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(watchSchema(), { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://vigil.dev/schemas/watch.json', title: 'Vigil watch' };
}
