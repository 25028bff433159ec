import { escapeControlCharacters } from '@vigil/core';

/**
 * Text made safe for one log line: every control character written visibly (`\n`, `\x1b`,
 * `\u2028`), so data holding a newline cannot forge a second line and an ANSI escape cannot reach the
 * operator's terminal. Printable text, backslashes included, is left as is (a JSON value keeps its own `\"`).
 */
export function escapeLogText(text: string): string {
  return escapeControlCharacters(text, 'hex');
}
