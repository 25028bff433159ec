/** The values a command template may use; nothing else of a request ever reaches a command. */
export interface TemplateValues {
  /** The canonical address. */
  ip: string;
  /** The block's remaining time in whole seconds (rounded up). */
  duration: string;
  /** The same in whole minutes (rounded up), for tools that count in minutes. */
  duration_minutes: string;
}

export type PlaceholderName = keyof TemplateValues;

export const PLACEHOLDERS: readonly PlaceholderName[] = ['ip', 'duration', 'duration_minutes'];

/** A problem in one argument of a template (index into the argv). */
export interface TemplateProblem {
  index: number;
  message: string;
}

/**
 * Checks an argv template: `{name}` placeholders only from `allowed`, none in the program
 * (`argv[0]`), and no other `{` or `}` at all (a typo such as `{IP}` or `{ip` must not reach the
 * command as text).
 */
export function templateProblems(argv: readonly string[], allowed: readonly PlaceholderName[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  argv.forEach((arg, index) => {
    const names = [...arg.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] as string);
    if (index === 0 && names.length > 0) problems.push({ index, message: 'the program (the first item) may not contain a placeholder' });
    for (const name of names) {
      if (!(allowed as readonly string[]).includes(name)) {
        const known = (PLACEHOLDERS as readonly string[]).includes(name);
        problems.push({ index, message: known ? `{${name}} has no value here (use ${allowed.map((a) => `{${a}}`).join(' ')})` : `unknown placeholder {${name}} (the placeholders are ${allowed.map((a) => `{${a}}`).join(' ')})` });
      }
    }
    const stray = arg.replace(/\{[^{}]*\}/g, '');
    if (/[{}]/.test(stray)) problems.push({ index, message: `unmatched "{" or "}" in ${JSON.stringify(arg)} (placeholders are ${allowed.map((a) => `{${a}}`).join(' ')}; other braces are not allowed)` });
  });
  return problems;
}

/** The argv for one run: every placeholder replaced by its value, inside an argument, never splitting one. */
export function buildArgv(template: readonly string[], values: Partial<TemplateValues>): string[] {
  return template.map((arg) =>
    arg.replace(/\{(ip|duration|duration_minutes)\}/g, (_all, name: PlaceholderName) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for {${name}}`);
      return value;
    }),
  );
}

/** {@link TemplateValues} for a remaining time. */
export function templateValues(ip: string, remainingMs: number): TemplateValues {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return { ip, duration: String(seconds), duration_minutes: String(Math.ceil(seconds / 60)) };
}
