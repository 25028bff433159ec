import Handlebars from 'handlebars';

const templates = Handlebars.create();
/** `{{json value}}`: the value as JSON, unescaped (it is already data, not markup). */
templates.registerHelper('json', (value: unknown) => new Handlebars.SafeString(JSON.stringify(value)));

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Renders a watch template (checked for syntax when the watch was loaded), compiling each text once.
 * Event data is HTML-escaped unless the template says `{{{raw}}}`; `escape: false` is for plain-text
 * destinations such as a log line.
 */
export function render(template: string, context: unknown, options: { escape?: boolean } = {}): string {
  const escape = options.escape ?? true;
  const key = `${escape ? 'e' : 'n'}${template}`;
  let delegate = compiled.get(key);
  if (delegate === undefined) {
    delegate = templates.compile(template, { strict: false, noEscape: !escape });
    compiled.set(key, delegate);
  }
  return delegate(context);
}
