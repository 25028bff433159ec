import { describe, expect, it } from '@jest/globals';
import { dailySystemIndex, dayOf, eventIndex, indexTemplates, systemIndex } from '../src/index.ts';

describe('index names', () => {
  it('takes the UTC day of the event, not of the machine', () => {
    expect(eventIndex('vigil', 'auth', '2026-11-22T23:59:59.999-05:00')).toBe('vigil-auth-2026.11.23');
    expect(eventIndex('vigil', 'tcpdump', new Date(Date.UTC(2026, 0, 5, 0, 0, 0)))).toBe('vigil-tcpdump-2026.01.05');
  });

  it('names system indices from the prefix', () => {
    expect(systemIndex('soc', 'watches')).toBe('soc-watches');
    expect(dailySystemIndex('soc', 'watch-history', '2026-02-03T10:00:00Z')).toBe('soc-watch-history-2026.02.03');
  });

  it('refuses an invalid timestamp instead of naming an index NaN', () => {
    expect(() => dayOf('yesterday')).toThrow('not a timestamp: yesterday');
  });
});

describe('index templates', () => {
  it('gives nested prefixes different priorities so they never collide', () => {
    const priorities = (prefix: string) => new Map(indexTemplates(prefix, { textType: 'text' }).map((t) => [t.name.slice(prefix.length + 1), t.body.priority]));
    const outer = priorities('vigil');
    const inner = priorities('vigil-staging');
    expect(inner.get('events')).toBeGreaterThan(outer.get('events') ?? Infinity);
    for (const [name, priority] of outer) {
      if (name !== 'events') expect(priority).toBeGreaterThan(inner.get('events') ?? Infinity);
    }
  });
});
