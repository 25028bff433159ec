import { getPath } from './path.ts';

/**
 * A small, safe expression language for conditions and computed fields: no function calls, no
 * assignment, no access outside the scope object. Untrusted event data is only ever a value here.
 *
 * ```
 * unique_ports.value > 50 && by_source.doc_count >= 100
 * failures.doc_count / total.doc_count * 100
 * user.name == "root" || not success
 * ```
 * Operators by falling precedence: `||`/`or`; `&&`/`and`; `!`/`not`; `== != > >= < <=`;
 * `+ -`; `* / %`; unary `-`. Operands: numbers, "strings" or 'strings', true, false, null, paths
 * (`a.b[0].c`, names of letters, digits, `_`, `@`), parentheses.
 *
 * Bounded: at most {@link MAX_EXPRESSION_LENGTH} characters and {@link MAX_EXPRESSION_NESTING}
 * levels of parentheses and prefix operators, so a hostile or generated expression is a syntax
 * error, never a stack overflow in the parser or in evaluation.
 */
export interface CompiledExpression {
  readonly source: string;
  /** The data paths the expression reads, in order of appearance (for validation against the input). */
  readonly paths: readonly string[];
  evaluate(scope: unknown): unknown;
}

/** A syntax error with the 1-based column where it was found. */
export class ExpressionSyntaxError extends Error {
  readonly column: number;

  constructor(message: string, column: number) {
    super(`${message} at column ${column}`);
    this.column = column;
    this.name = 'ExpressionSyntaxError';
  }
}

/** Longest expression text accepted: a condition or a computed field, never a program. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Deepest nesting of `(`, `!`/`not` and unary `-` accepted. */
export const MAX_EXPRESSION_NESTING = 64;

type Token = { kind: 'num' | 'str' | 'name' | 'op'; text: string; value?: unknown; at: number };
type Node = (scope: unknown) => unknown;

const TOKEN = /(?:(\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_@$][\w@$]*(?:(?:\.[A-Za-z_@$][\w@$]*)|\[\d+\])*)|(&&|\|\||==|!=|>=|<=|[-+*/%()<>!]))/y;
const WORDS: Record<string, string> = { and: '&&', or: '||', not: '!' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  for (;;) {
    while (start < source.length && /\s/.test(source[start] ?? '')) start += 1;
    if (start >= source.length) return tokens;
    TOKEN.lastIndex = start;
    const m = TOKEN.exec(source);
    if (m === null) throw new ExpressionSyntaxError(`unexpected "${source[start]}"`, start + 1);
    const at = start + 1;
    start = TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1], value: Number(m[1]), at });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ kind: 'str', text: m[0].trim(), value: (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'), at });
    else if (m[4] !== undefined) {
      const word = Object.hasOwn(WORDS, m[4]) ? WORDS[m[4]] : undefined;
      tokens.push(word === undefined ? { kind: 'name', text: m[4], at } : { kind: 'op', text: word, at });
    } else tokens.push({ kind: 'op', text: m[5] ?? '', at });
  }
}

const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === '==') return a === b || (a == null && b == null);
  if (op === '!=') return !(a === b || (a == null && b == null));
  const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const [x, y] = [a as number | string, b as number | string];
  return op === '>' ? x > y : op === '>=' ? x >= y : op === '<' ? x < y : x <= y;
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return `${String(a ?? '')}${String(b ?? '')}`;
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  const result = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
  return Number.isFinite(result) ? result : null;
}

/** Recursive descent over the token list; each level returns a closure over the scope. */
class Parser {
  #pos = 0;
  #nesting = 0;
  private readonly tokens: Token[];
  private readonly source: string;

  constructor(tokens: Token[], source: string) {
    this.tokens = tokens;
    this.source = source;
  }

  parse(): Node {
    if (this.tokens.length === 0) throw new ExpressionSyntaxError('empty expression', 1);
    const node = this.or();
    const rest = this.tokens[this.#pos];
    if (rest !== undefined) throw new ExpressionSyntaxError(`unexpected "${rest.text}"`, rest.at);
    return node;
  }

  #accept(...ops: string[]): string | undefined {
    const token = this.tokens[this.#pos];
    if (token?.kind === 'op' && ops.includes(token.text)) {
      this.#pos += 1;
      return token.text;
    }
    return undefined;
  }

  /** Parses one nested level (inside a parenthesis or under a prefix operator), bounded. */
  #nested<T>(at: number, inner: () => T): T {
    if (this.#nesting >= MAX_EXPRESSION_NESTING) throw new ExpressionSyntaxError(`nested too deeply (more than ${MAX_EXPRESSION_NESTING} levels of parentheses, ! or unary -)`, at);
    this.#nesting += 1;
    try {
      return inner();
    } finally {
      this.#nesting -= 1;
    }
  }

  #at(): number {
    return this.tokens[this.#pos - 1]?.at ?? 1;
  }

  #binary(next: () => Node, ops: string[], apply: (op: string, a: Node, b: Node) => Node): Node {
    let left = next();
    for (let op = this.#accept(...ops); op !== undefined; op = this.#accept(...ops)) left = apply(op, left, next());
    return left;
  }

  or = (): Node => this.#binary(this.and, ['||'], (_, a, b) => (s) => Boolean(a(s)) || Boolean(b(s)));
  and = (): Node => this.#binary(this.not, ['&&'], (_, a, b) => (s) => Boolean(a(s)) && Boolean(b(s)));
  not = (): Node => (this.#accept('!') === undefined ? this.cmp() : ((inner) => (s: unknown) => !inner(s))(this.#nested(this.#at(), this.not)));
  cmp = (): Node => {
    const left = this.sum();
    const op = this.#accept('==', '!=', '>=', '<=', '>', '<');
    if (op === undefined) return left;
    const right = this.sum();
    return (s) => compare(op, left(s), right(s));
  };
  sum = (): Node => this.#binary(this.prod, ['+', '-'], (op, a, b) => (s) => arithmetic(op, a(s), b(s)));
  prod = (): Node => this.#binary(this.unary, ['*', '/', '%'], (op, a, b) => (s) => arithmetic(op, a(s), b(s)));
  unary = (): Node => (this.#accept('-') === undefined ? this.atom() : ((inner) => (s: unknown) => arithmetic('-', 0, inner(s)))(this.#nested(this.#at(), this.unary)));

  atom = (): Node => {
    const token = this.tokens[this.#pos];
    if (token === undefined) throw new ExpressionSyntaxError('expression ends too early', this.source.length + 1);
    this.#pos += 1;
    if (token.kind === 'num' || token.kind === 'str') return () => token.value;
    if (token.kind === 'name') {
      if (Object.hasOwn(LITERALS, token.text)) return () => LITERALS[token.text];
      const path = token.text;
      return (s) => getPath(s, path);
    }
    if (token.text === '(') {
      const inner = this.#nested(token.at, this.or);
      if (this.#accept(')') === undefined) throw new ExpressionSyntaxError('missing ")"', this.tokens[this.#pos]?.at ?? this.source.length + 1);
      return inner;
    }
    throw new ExpressionSyntaxError(`unexpected "${token.text}"`, token.at);
  };
}

/** Compiles an expression once (at validation time), so a bad one is reported with its file and line. */
export function compileExpression(source: string): CompiledExpression {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError(`expression too long (${source.length} characters, at most ${MAX_EXPRESSION_LENGTH})`, MAX_EXPRESSION_LENGTH + 1);
  const tokens = tokenize(source);
  const node = new Parser(tokens, source).parse();
  const paths = tokens.filter((t) => t.kind === 'name' && !Object.hasOwn(LITERALS, t.text)).map((t) => t.text);
  return { source, paths, evaluate: (scope) => node(scope) };
}
