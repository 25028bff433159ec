import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { ResponderConfigError, type ConfigProblem } from './errors.ts';

// A small twin of @vigil/core's yaml.ts (the responder imports nothing of core): YAML parsed with
// positions, and zod issues turned into `file:line: path: message` problems.

/** A parsed YAML file that can say on which line any path of it stands. */
export interface LocatedDocument {
  file: string;
  value: unknown;
  /** 1-based line of `path` (the key's line for map entries), or of the nearest ancestor that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

function child(node: unknown, segment: PropertyKey): { key?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    return pair === undefined ? undefined : { key: pair.key as Node, value: pair.value };
  }
  if (isSeq(node) && typeof segment === 'number') return { value: node.items[segment] };
  return undefined;
}

const startOf = (node: unknown): number | undefined => (node as Node | undefined)?.range?.[0];

/** Parses YAML keeping positions; syntax errors and duplicate keys throw a located {@link ResponderConfigError}. */
export function parseLocated(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const line = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) throw new ResponderConfigError(doc.errors.map((e) => ({ file, line: line(e.pos[0]), message: e.message })));
  return {
    file,
    value: doc.toJS(),
    lineOf(path) {
      let node: unknown = doc.contents;
      let found = startOf(node);
      for (const segment of path) {
        const next = child(node, segment);
        if (next === undefined) break;
        found = startOf(next.key) ?? startOf(next.value) ?? found;
        node = next.value;
      }
      return line(found);
    },
  };
}

/** Dotted form of a path: `backend.block[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? String(seg) : `${out}.${String(seg)}`), '');
}

/** zod issues as located problems; an unknown key is reported at the key itself. `base` prefixes every path. */
export function locateIssues(issues: readonly z.core.$ZodIssue[], doc: LocatedDocument, base: readonly PropertyKey[] = []): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, ...issue.path, k]) : [[...base, ...issue.path]];
    const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
    return paths.map((path) => {
      const line = doc.lineOf(path);
      return { file: doc.file, ...(line === undefined ? {} : { line }), path: formatPath(path), message };
    });
  });
}
