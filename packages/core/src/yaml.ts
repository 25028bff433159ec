import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { VigilError, VigilValidationError } from './errors.ts';

/** A parsed YAML (or JSON) file that can say on which line any path of it stands. */
export interface LocatedDocument {
  file: string;
  value: unknown;
  /** 1-based line of `path` (the key's line for map entries), or of the nearest ancestor that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

function childNode(node: unknown, segment: PropertyKey): { key?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    return pair === undefined ? undefined : { key: pair.key as Node, value: pair.value };
  }
  if (isSeq(node) && typeof segment === 'number') return { value: node.items[segment] };
  return undefined;
}

function startOf(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

/**
 * How many nodes aliases may add to a document, as a multiple of its own size, before it is
 * refused as a resource-exhaustion attack ("billion laughs": nine aliases of nine aliases of …).
 * The `yaml` package counts each alias's expansion against this and stops before building it.
 */
export const MAX_ALIAS_COUNT = 100;

/** The first alias of a document, for naming the line a refused alias bomb starts at. */
function firstAliasOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

/** The document as plain values; an alias bomb is a located error, never expanded. */
function toPlainValue(doc: Document, file: string, line: (offset: number | undefined) => number | undefined): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    if (!(cause instanceof ReferenceError) || !/alias/i.test(cause.message)) throw cause;
    const message = /excessive/i.test(cause.message)
      ? `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} times the document): refused as a resource-exhaustion ("billion laughs") file, not expanded`
      : `bad YAML alias: ${cause.message}`;
    throw new VigilValidationError([new VigilError('YAML_SYNTAX', message, { cause, location: { file, line: line(firstAliasOffset(doc)) } })]);
  }
}

/**
 * Parses YAML text (JSON is valid YAML, so JSON files come through here too) keeping positions.
 * Syntax errors, duplicate keys and alias bombs throw a {@link VigilValidationError} naming `file:line`.
 */
export function parseLocated(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const line = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    throw new VigilValidationError(
      doc.errors.map((e) => new VigilError('YAML_SYNTAX', e.message, { location: { file, line: line(e.pos[0]) } })),
    );
  }
  return {
    file,
    value: toPlainValue(doc, file, line),
    lineOf(path) {
      let node: unknown = doc.contents;
      let found = startOf(node);
      for (const segment of path) {
        const child = childNode(node, segment);
        if (child === undefined) break;
        found = startOf(child.key) ?? startOf(child.value) ?? found;
        node = child.value;
      }
      return line(found);
    },
  };
}

/** Dotted form of a zod path: `actions.mail.to[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? String(seg) : `${out}.${String(seg)}`), '');
}

/**
 * Turns zod issues into located errors. An unknown key is reported at the key itself. `where` may
 * claim a path for another origin (an environment variable overriding a file value).
 */
export function locateIssues(
  issues: readonly z.core.$ZodIssue[],
  doc: LocatedDocument | undefined,
  fallbackFile: string,
  where?: (path: readonly PropertyKey[]) => string | undefined,
): VigilError[] {
  return issues.flatMap((issue) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
    return paths.map((path) => {
      const origin = where?.(path);
      if (origin !== undefined) return new VigilError('CONFIG_INVALID', message, { location: { file: origin, path: formatPath(path) } });
      return new VigilError('CONFIG_INVALID', message, {
        location: { file: doc?.file ?? fallbackFile, line: doc?.lineOf(path), path: formatPath(path) },
      });
    });
  });
}

/** Parses and validates one user-written file; every problem in it is reported at once, located. */
export function loadValidated<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const doc = parseLocated(file, text);
  const result = schema.safeParse(doc.value);
  if (!result.success) throw new VigilValidationError(locateIssues(result.error.issues, doc, file));
  return result.data;
}
