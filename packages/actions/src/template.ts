import Handlebars from 'handlebars';
import type { SecretResolver, TemplateHelperName } from '@vigil/core';

/**
 * How values from `{{...}}` are escaped for the destination the rendered text goes to. Event data is
 * attacker-controlled: it must stay data in HTML, in a JSON document, in Slack mrkdwn and in a mail
 * header. `{{{raw}}}` (triple braces) is never escaped, in any mode.
 *
 * - `html`: Handlebars' own HTML escaping (the default).
 * - `none`: as is, for plain text (a log line, a mail's text part).
 * - `json`: the inside of a JSON string (`"` `\` and control characters escaped), so
 *   `"ip": "{{entity.[source.ip]}}"` stays one string whatever the field holds.
 * - `mrkdwn`: Slack's `&` `<` `>` escaped, and `@channel`-style mentions defused.
 * - `header`: one line: CR, LF and other control characters become spaces (mail subject, recipients).
 */
export type EscapeMode = 'html' | 'none' | 'json' | 'mrkdwn' | 'header';

/** Options of {@link render}. */
export interface RenderOptions {
  /** `true` = `html` (default), `false` = `none`, or a mode. */
  escape?: boolean | EscapeMode;
  /**
   * Resolves `{{secret "name"}}`. Absent where secrets have no business (transforms: the payload is
   * stored in alert state), so a template there that names a secret fails instead of leaking it.
   */
  secrets?: SecretResolver;
}

const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

function escapeMrkdwn(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

const ESCAPERS: Record<Exclude<EscapeMode, 'html'>, (text: string) => string> = {
  none: (text) => text,
  json: (text) => JSON.stringify(text).slice(1, -1),
  mrkdwn: escapeMrkdwn,
  header: (text) => text.replace(CONTROL, ' '),
};

/** A value as text the way Handlebars prints it (null and undefined print nothing). */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Handlebars.SafeString) return value.toString();
  return String(value);
}

const templates = Handlebars.create();
// Handlebars' `log` writes to the process console: not a watch helper (TEMPLATE_HELPERS lists the helpers)
templates.unregisterHelper('log');

/** Vigil's own helpers; Handlebars supplies the rest of core's `TEMPLATE_HELPERS` (if, unless, each, with, lookup). */
const VIGIL_HELPERS = {
  /** `{{json value}}`: the value as JSON, unescaped (it is already data, not markup). */
  json: (value: unknown) => new Handlebars.SafeString(JSON.stringify(value) ?? 'null'),
  /** `{{secret "name"}}`: resolved only where the caller passed a resolver (see {@link RenderOptions.secrets}). */
  secret: function secret(this: unknown, name: unknown, options: Handlebars.HelperOptions) {
    const resolver = (options.data as { root?: unknown; vigilSecrets?: SecretResolver } | undefined)?.vigilSecrets;
    if (typeof name !== 'string') throw new Error('secret needs a name: {{secret "slack_ops"}}');
    if (resolver === undefined) throw new Error(`secret "${name}" cannot be used here: secrets are only for action options`);
    // a plain string: escaped like any value for the destination (a quote in a key stays inside its JSON string)
    return resolver.get(name);
  },
} satisfies Partial<Record<TemplateHelperName, Handlebars.HelperDelegate>>;
for (const [name, helper] of Object.entries(VIGIL_HELPERS)) templates.registerHelper(name, helper);

/** Internal helpers: Handlebars' fallbacks and the escapers below, never written in a template. */
const INTERNAL_HELPER = /^(helperMissing|blockHelperMissing|__vigil_escape_\w+)$/;

/** The helpers a template can call at run time: validation (core's `TEMPLATE_HELPERS`) allows exactly these. */
export function registeredTemplateHelpers(): string[] {
  return Object.keys(templates.helpers)
    .filter((name) => !INTERNAL_HELPER.test(name))
    .sort();
}
for (const mode of Object.keys(ESCAPERS) as (keyof typeof ESCAPERS)[]) {
  const escape = ESCAPERS[mode];
  // a SafeString ({{json}}) is already valid JSON: kept as is, except in mrkdwn where its text is still shown to people
  const keepSafe = mode !== 'mrkdwn';
  templates.registerHelper(`__vigil_escape_${mode}`, (value: unknown) => (keepSafe && value instanceof Handlebars.SafeString ? value.toString() : escape(asText(value))));
}

type Node = hbs.AST.Node & Record<string, unknown>;

/**
 * Rewrites every escaped mustache `{{x ...}}` into `{{__vigil_escape_<mode> (x ...)}}` (unescaped),
 * so one mode's escaper runs where Handlebars would run its HTML escaping. Handlebars has a single,
 * module-wide escape function; rewriting the parsed template is how another escaping is applied
 * without touching it.
 */
function rewriteEscapes(program: hbs.AST.Program, mode: keyof typeof ESCAPERS): hbs.AST.Program {
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const n = node as Node;
    if (n.type === 'MustacheStatement' && n.escaped === true) {
      const m = n as unknown as hbs.AST.MustacheStatement;
      const inner =
        m.params.length === 0 && m.hash === undefined && m.path.type === 'PathExpression'
          ? m.path
          : ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression);
      const helper = `__vigil_escape_${mode}`;
      Object.assign(n, {
        path: { type: 'PathExpression', data: false, depth: 0, parts: [helper], original: helper, loc: m.loc },
        params: [inner],
        hash: undefined,
        escaped: false,
      });
      return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
  };
  visit(program);
  return program;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function modeOf(escape: RenderOptions['escape']): EscapeMode {
  if (escape === undefined || escape === true) return 'html';
  if (escape === false) return 'none';
  return escape;
}

/**
 * Renders a watch template (checked for syntax when the watch was loaded), compiling each text once
 * per escape mode. Event data is escaped for the destination (see {@link EscapeMode}).
 */
export function render(template: string, context: unknown, options: RenderOptions = {}): string {
  const mode = modeOf(options.escape);
  const key = `${mode}\u0000${template}`;
  let delegate = compiled.get(key);
  if (delegate === undefined) {
    // `log` is unregistered: not known to the compiler either, so a call to it is a missing helper
    const compileOptions = { strict: false, knownHelpers: { log: false } };
    delegate = mode === 'html' ? templates.compile(template, compileOptions) : templates.compile(rewriteEscapes(Handlebars.parse(template), mode), { ...compileOptions, noEscape: true });
    compiled.set(key, delegate);
  }
  return delegate(context, options.secrets === undefined ? {} : { data: { vigilSecrets: options.secrets } });
}
