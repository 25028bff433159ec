/**
 * Control characters a log line or a terminal must not receive raw: C0 (newline, carriage return,
 * escape...), DEL, C1 (U+009B is a one-byte CSI on some terminals) and the Unicode line and paragraph
 * separators that some log viewers break lines on.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One control character written visibly: `\n`, `\r`, `\t`, `\x1b`, `\u2028`. */
function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text made safe for one log line: every control character written visibly, so data holding a
 * newline cannot forge a second line and an ANSI escape cannot reach the operator's terminal.
 * Printable text, backslashes included, is left as is (a JSON value keeps its own `\"`).
 */
export function escapeLogText(text: string): string {
  return text.replace(CONTROL, visible);
}
