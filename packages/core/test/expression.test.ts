import { describe, expect, it } from '@jest/globals';
import { compileExpression, ExpressionSyntaxError } from '../src/watch/expression.ts';
import { expandPath, getPath, parsePath } from '../src/watch/path.ts';

describe('paths', () => {
  it.each([
    ['a.b.c', ['a', 'b', 'c']],
    ['aggregations.by_source.buckets[0].key', ['aggregations', 'by_source', 'buckets', 0, 'key']],
    ['joined[]', ['joined', '[]']],
    ['@timestamp', ['@timestamp']],
  ])('parses %s', (path, segments) => {
    expect(parsePath(path)).toEqual(segments);
  });

  it.each(['', '.a', 'a..b', 'a.', 'a[x]'])('rejects %p', (path) => {
    expect(() => parsePath(path)).toThrow(/malformed path/);
  });

  it('reads values and misses quietly', () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(getPath(doc, 'a.b[1].c')).toBe(2);
    expect(getPath(doc, 'a.x.c')).toBeUndefined();
    expect(getPath(doc, 'a.b[5].c')).toBeUndefined();
  });

  it('expands nested buckets and names each level after its aggregation', () => {
    const response = {
      aggregations: {
        by_source: {
          buckets: [
            { key: '10.0.0.1', by_target: { buckets: [{ key: '10.0.0.9', n: 1 }, { key: '10.0.0.8', n: 2 }] } },
            { key: '10.0.0.2', by_target: { buckets: [] } },
            { key: '10.0.0.3', by_target: { buckets: [{ key: '10.0.0.9', n: 3 }] } },
          ],
        },
      },
    };
    const items = expandPath(response, 'aggregations.by_source.buckets[].by_target.buckets[]');
    expect(items.map((i) => [(i.levels.by_source as { key: string }).key, (i.levels.by_target as { key: string }).key, (i.value as { n: number }).n])).toEqual([
      ['10.0.0.1', '10.0.0.9', 1],
      ['10.0.0.1', '10.0.0.8', 2],
      ['10.0.0.3', '10.0.0.9', 3],
    ]);
  });
});

describe('expressions', () => {
  const scope = { unique_ports: { value: 51 }, doc_count: 200, user: { name: 'root' }, ok: false, total: 4, failed: 1 };

  it.each([
    ['unique_ports.value > 50', true],
    ['unique_ports.value > 50 && doc_count >= 300', false],
    ['unique_ports.value > 50 and (doc_count >= 300 or user.name == "root")', true],
    ["user.name != 'admin'", true],
    ['not ok', true],
    ['!ok && !missing.field', true],
    ['failed / total * 100', 25],
    ['-failed + 2 * 3 % 4', 1],
    ['"a" + user.name', 'aroot'],
    ['missing.field > 1', false],
    ['missing.field == null', true],
    ['1 / 0', null],
    ['"10" > 9', false],
  ])('%s → %p', (source, expected) => {
    expect(compileExpression(source).evaluate(scope)).toBe(expected);
  });

  it.each([
    ['unique_ports.value >> 50', 21],
    ['', 1],
    ['(a > 1', 7],
    ['a = 1', 3],
    ['a > ', 5],
    ['process.exit()', 13],
  ])('rejects %p with its column', (source, column) => {
    let caught: unknown;
    try {
      compileExpression(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionSyntaxError);
    expect((caught as ExpressionSyntaxError).column).toBe(column);
  });

  it('never reaches outside the scope', () => {
    expect(compileExpression('constructor').evaluate({})).toBeUndefined();
    expect(compileExpression('__proto__').evaluate({})).toBeUndefined();
  });
});
