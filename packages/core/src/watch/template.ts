import Handlebars from 'handlebars';

/**
 * What a watch template may call, and how: the helpers the renderer (packages/actions/src/template.ts)
 * registers, no others. A template is checked against this when the watch is validated, so an
 * unknown helper (`{{exec "id"}}`), a partial or a helper used the wrong way is an error at the
 * template's `file:line`, not a window that fails at run time.
 */
export interface TemplateHelperSpec {
  /** `block`: only `{{#name ...}}...{{/name}}`; `inline`: only `{{name ...}}` or `(name ...)`. */
  form: 'block' | 'inline';
  /** How many positional arguments it takes. */
  params: number;
  /** Its argument must be a quoted string (a name, never a value from the data). */
  literal?: boolean;
  /** How it is written, for error messages. */
  usage: string;
}

/** The helpers a template may use, by name. The renderer registers exactly these (a test checks it). */
export const TEMPLATE_HELPERS = {
  if: { form: 'block', params: 1, usage: '{{#if value}}...{{else}}...{{/if}}' },
  unless: { form: 'block', params: 1, usage: '{{#unless value}}...{{/unless}}' },
  each: { form: 'block', params: 1, usage: '{{#each list}}{{this}}{{/each}}' },
  with: { form: 'block', params: 1, usage: '{{#with object}}{{field}}{{/with}}' },
  lookup: { form: 'inline', params: 2, usage: '{{lookup object key}}' },
  json: { form: 'inline', params: 1, usage: '{{json value}}' },
  secret: { form: 'inline', params: 1, literal: true, usage: '{{secret "name"}}' },
} as const satisfies Record<string, TemplateHelperSpec>;

export type TemplateHelperName = keyof typeof TEMPLATE_HELPERS;

/** Where a template may be used: `secrets` false where a resolved secret would be stored (transforms). */
export interface TemplateCheckOptions {
  secrets: boolean;
}

/** What checking a template found: its problems, and the data paths it reads in the root context. */
export interface TemplateCheck {
  problems: string[];
  /**
   * Paths read from the data the template is rendered over (`entity.[source.ip]` → `["entity",
   * "source.ip"]`), outside `#each` / `#with` bodies (where the context is something else).
   */
  paths: string[][];
}

type AnyNode = hbs.AST.Node;
type Call = hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement;

const known = (name: string): name is TemplateHelperName => Object.hasOwn(TEMPLATE_HELPERS, name);

function calleeName(call: Call): string | undefined {
  const path = call.path as hbs.AST.PathExpression | hbs.AST.Literal;
  if (path.type === 'PathExpression') {
    const p = path as hbs.AST.PathExpression;
    return !p.data && p.depth === 0 && p.parts.length === 1 ? p.parts[0] : undefined;
  }
  return undefined;
}

const lineOf = (node: AnyNode) => (node.loc === undefined || node.loc === null ? '' : ` (template line ${node.loc.start.line}, column ${node.loc.start.column + 1})`);

/**
 * Parses a template and checks it against {@link TEMPLATE_HELPERS}. Throws only for a syntax error
 * (Handlebars' own message); every other problem is in the result.
 */
export function checkTemplate(text: string, options: TemplateCheckOptions): TemplateCheck {
  const program = Handlebars.parse(text);
  const problems: string[] = [];
  const paths: string[][] = [];

  const visitExpression = (node: AnyNode, rootContext: boolean): void => {
    if (node.type === 'SubExpression') return visitCall(node as hbs.AST.SubExpression, rootContext, 'inline');
    if (node.type !== 'PathExpression' || !rootContext) return;
    const p = node as hbs.AST.PathExpression;
    if (!p.data && p.depth === 0 && p.parts.length > 0) paths.push([...p.parts]);
  };

  const visitCall = (call: Call, rootContext: boolean, form: 'block' | 'inline'): void => {
    const params = call.params;
    const hashValues = call.hash?.pairs.map((pair) => pair.value) ?? [];
    const name = calleeName(call);
    const isCall = params.length > 0 || hashValues.length > 0 || call.type === 'SubExpression';
    if (name !== undefined && known(name)) {
      const spec: TemplateHelperSpec = TEMPLATE_HELPERS[name];
      if (spec.form !== form) problems.push(`helper "${name}" is used as ${form === 'block' ? 'a block' : 'a value'}; write ${spec.usage}${lineOf(call)}`);
      else if (params.length !== spec.params) problems.push(`helper "${name}" takes ${spec.params} argument${spec.params === 1 ? '' : 's'}, got ${params.length}: ${spec.usage}${lineOf(call)}`);
      else if (spec.literal === true && params[0]?.type !== 'StringLiteral') problems.push(`helper "${name}" takes a quoted name: ${spec.usage}${lineOf(call)}`);
      if (name === 'secret' && !options.secrets) problems.push(`{{secret}} cannot be used here: a transform's output is stored in alert state, secrets are only for action options${lineOf(call)}`);
    } else if (isCall) {
      const shown = name ?? (call.path as hbs.AST.PathExpression).original ?? String((call.path as unknown as { value: unknown }).value);
      problems.push(`unknown template helper "${shown}"${lineOf(call)}; the helpers are ${Object.keys(TEMPLATE_HELPERS).join(', ')}`);
    } else if (form === 'inline') {
      visitExpression(call.path, rootContext);
    }
    for (const param of [...params, ...hashValues]) visitExpression(param, rootContext);
    if (call.type === 'BlockStatement') {
      const block = call as hbs.AST.BlockStatement;
      // if/unless keep the context; each, with and a bare section ({{#list}}) render their body over something else
      const keeps = name === 'if' || name === 'unless';
      if (!isCall && !known(name ?? '')) visitExpression(block.path, rootContext);
      visitProgram(block.program, rootContext && keeps);
      // the {{else}} of #each / #with renders in the outer context
      if (block.inverse !== undefined && block.inverse !== null) visitProgram(block.inverse, rootContext);
    }
  };

  const visitProgram = (node: hbs.AST.Program, rootContext: boolean): void => {
    for (const statement of node.body) {
      switch (statement.type) {
        case 'MustacheStatement':
          visitCall(statement as hbs.AST.MustacheStatement, rootContext, 'inline');
          break;
        case 'BlockStatement':
          visitCall(statement as hbs.AST.BlockStatement, rootContext, 'block');
          break;
        case 'PartialStatement':
        case 'PartialBlockStatement':
          problems.push(`partials ({{> name}}) are not supported in watch templates${lineOf(statement)}`);
          break;
        case 'Decorator':
        case 'DecoratorBlock':
          problems.push(`decorators ({{* name}}) are not supported in watch templates${lineOf(statement)}`);
          break;
        default:
          break;
      }
    }
  };

  visitProgram(program, true);
  return { problems, paths };
}
