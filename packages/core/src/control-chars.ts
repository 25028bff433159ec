/**
 * Control characters that text built from attacker data must not carry raw to a log line or a
 * terminal: C0 (newline, carriage return, escape...), DEL, C1 (U+009B is a one-byte CSI on some
 * terminals) and the Unicode line and paragraph separators that some log viewers break lines on.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * How an unnamed control character is written: `hex` as `\x1b` (`\u2028` above U+00FF), the form
 * log readers know; `json` as `\u001b`, also a JSON string escape, so JSON text stays valid and means
 * the same value. Newline, carriage return and tab are `\n`, `\r`, `\t` in both.
 */
export type ControlEscapeForm = 'hex' | 'json';

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One control character written visibly, in `form`. */
function visibleControl(char: string, form: ControlEscapeForm): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return form === 'hex' && code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every character `pattern` matches (default {@link CONTROL_CHARACTERS}) written visibly;
 * printable text, backslashes included, is left as it is.
 */
export function escapeControlCharacters(text: string, form: ControlEscapeForm, pattern: RegExp = CONTROL_CHARACTERS): string {
  return text.replace(pattern, (char) => visibleControl(char, form));
}
