import { compileExpression } from './expression.ts';
import { parsePath, type PathSegment } from './path.ts';
import { ANY, LEAF, arrayOf, bucketScopeShape, checkPath, followPath, missMessage, objectOf, responseShape, type Shape } from './shape.ts';
import { checkTemplate } from './template.ts';

/**
 * The paths a watch reads, checked against what its input can produce (see shape.ts): `where`,
 * `key`, `compare.path`, `pick`, `compute`, transform templates, action templates and action
 * conditions. A path the data can never have is an error naming the path and what exists there:
 * `doc_cont >= 1` would never match, silently, run after run.
 */
export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
  /** `warning` where the path is unknowable rather than wrong (a condition over a search that has no `aggs` yet). */
  severity: 'error' | 'warning';
}

interface SearchLike {
  aggs?: Record<string, unknown> | undefined;
}

/** The parts of a validated watch this check reads. */
export interface WatchReferences {
  input: {
    search?: SearchLike | undefined;
    chain?: { name: string; search: SearchLike }[] | undefined;
    join?: { left: { name: string }; right: { name: string } } | undefined;
  };
  condition: {
    compare?: { path: string } | undefined;
    buckets?: { path: string; key: Record<string, string>; where?: string | undefined } | undefined;
  };
  transform?: { pick?: Record<string, string> | undefined; compute?: Record<string, string> | undefined; template?: Record<string, string> | undefined } | undefined;
  actions: Record<string, Record<string, unknown>>;
  on_resolve?: Record<string, Record<string, unknown>> | undefined;
  on_response?: Record<string, Record<string, unknown>> | undefined;
}

function inputShape(input: WatchReferences['input']): Shape {
  if (input.search !== undefined) return responseShape(input.search);
  if (input.chain !== undefined) return objectOf({ inputs: objectOf(Object.fromEntries(input.chain.map((step) => [step.name, responseShape(step.search)]))) });
  if (input.join !== undefined) return objectOf({ inputs: objectOf({ [input.join.left.name]: ANY, [input.join.right.name]: ANY }), joined: arrayOf(ANY) });
  return ANY;
}

const WINDOW = objectOf({ from: LEAF, to: LEAF });
/** A responder's report (actions' ResponseView). */
const RESPONSE = objectOf(Object.fromEntries(['outcome', 'ip', 'host', 'at', 'request_id', 'expires', 'duration_ms', 'step', 'backend', 'error'].map((n) => [n, LEAF])));

function fieldsOf(shape: Shape): Record<string, Shape> | undefined {
  return shape.kind === 'object' ? shape.fields : undefined;
}

/** Collects each problem of `check` on every path at `at`. */
class Problems {
  readonly list: ReferenceProblem[] = [];

  path(shape: Shape, path: string | readonly PathSegment[], at: (string | number)[], what: string): void {
    let segments: readonly PathSegment[];
    try {
      segments = typeof path === 'string' ? parsePath(path) : path;
    } catch {
      return; // reported by the schema
    }
    const found = followPath(shape, segments);
    if ('miss' in found) this.list.push({ path: at, message: missMessage(found.miss, what), severity: found.miss.placeholder === undefined ? 'error' : 'warning' });
  }

  expression(shape: Shape, source: string | undefined, at: (string | number)[], what: string): void {
    if (source === undefined) return;
    let paths: readonly string[];
    try {
      paths = compileExpression(source).paths;
    } catch {
      return;
    }
    for (const p of paths) this.path(shape, p, at, what);
  }

  template(shape: Shape, text: string, at: (string | number)[], what: string): void {
    let paths: string[][];
    try {
      paths = checkTemplate(text, { secrets: true }).paths;
    } catch {
      return;
    }
    for (const p of paths) this.path(shape, p, at, what);
  }
}

/** Every string of an action's options that holds a template, with its place under the action. */
function templatesOf(value: unknown, at: (string | number)[]): { text: string; at: (string | number)[] }[] {
  if (typeof value === 'string') return value.includes('{{') ? [{ text: value, at }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => templatesOf(v, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (k === 'condition' || k === 'type' ? [] : templatesOf(v, [...at, k])));
  return [];
}

/** The problems of a watch's paths, each at its place in the file. */
export function referenceProblems(watch: WatchReferences): ReferenceProblem[] {
  const problems = new Problems();
  const root = inputShape(watch.input);
  const { compare, buckets } = watch.condition;
  if (compare !== undefined) problems.path(root, compare.path, ['condition', 'compare', 'path'], 'the search response');

  let scope = root;
  let scopeName = 'the search response';
  let entity: Shape = { kind: 'object', fields: {}, placeholder: 'the condition is for the watch as a whole (not condition.buckets), so the entity is {}' };
  if (buckets !== undefined) {
    const miss = checkPath(root, buckets.path);
    if (miss !== undefined) problems.list.push({ path: ['condition', 'buckets', 'path'], message: missMessage(miss, 'the search response'), severity: miss.placeholder === undefined ? 'error' : 'warning' });
    scope = miss === undefined ? bucketScopeShape(root, buckets.path) : ANY;
    scopeName = 'each element at condition.buckets.path';
    for (const [name, path] of Object.entries(buckets.key)) problems.path(scope, path, ['condition', 'buckets', 'key', name], scopeName);
    problems.expression(scope, buckets.where, ['condition', 'buckets', 'where'], scopeName);
    entity = objectOf(Object.fromEntries(Object.keys(buckets.key).map((name) => [name, LEAF])));
  }

  let payload = scope;
  const transform = watch.transform;
  if (transform !== undefined) {
    const made: Record<string, Shape> = {};
    for (const [name, path] of Object.entries(transform.pick ?? {})) {
      problems.path(scope, path, ['transform', 'pick', name], scopeName);
      made[name] = ANY;
    }
    for (const [name, source] of Object.entries(transform.compute ?? {})) {
      const fields = fieldsOf(scope);
      problems.expression(fields === undefined ? ANY : objectOf({ ...fields, ...made }), source, ['transform', 'compute', name], `${scopeName} (with the picked fields)`);
      made[name] = ANY;
    }
    for (const [name, text] of Object.entries(transform.template ?? {})) {
      const view = objectOf({ watch: ANY, metadata: ANY, entity, payload: objectOf({ ...made }), window: WINDOW });
      problems.template(view, text, ['transform', 'template', name], 'a transform template');
      made[name] = LEAF;
    }
    payload = objectOf(made);
  }

  const alert = objectOf({ ...Object.fromEntries(['id', 'entity_key', 'state', 'episode', 'count', 'first_seen', 'last_seen'].map((n) => [n, LEAF])), entity, payload, window: WINDOW });
  const groups = [['actions', watch.actions], ['on_resolve', watch.on_resolve], ['on_response', watch.on_response]] as const;
  for (const [group, actions] of groups) {
    for (const [name, action] of Object.entries(actions ?? {})) {
      const response: Record<string, Shape> = group === 'on_response' ? { response: RESPONSE } : {};
      const at = [group, name];
      const conditionScope = objectOf({ entity, payload, alert, ...response });
      problems.expression(conditionScope, typeof action.condition === 'string' ? action.condition : undefined, [...at, 'condition'], `an action condition (entity, payload, alert${group === 'on_response' ? ', response' : ''})`);
      // templates see more than these (watch, kind, resolved…): only what is known is checked
      const known = objectOf({ entity, payload, alert, window: WINDOW, ...response });
      for (const t of templatesOf(action, at)) {
        let paths: string[][];
        try {
          paths = checkTemplate(t.text, { secrets: true }).paths;
        } catch {
          continue;
        }
        for (const p of paths) {
          if (p[0] === 'response' && group !== 'on_response') problems.list.push({ path: t.at, message: `unknown path "${p.join('.')}": response is only set in on_response actions`, severity: 'error' });
          else if (p[0] !== undefined && Object.hasOwn(fieldsOf(known)!, p[0])) problems.path(known, p, t.at, 'an action template');
        }
      }
    }
  }
  return problems.list;
}
