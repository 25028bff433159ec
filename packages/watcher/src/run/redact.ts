const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie/i;
const PLACEHOLDER = /^\[secret:[a-z][a-z0-9_]*\]$/;

/**
 * A copy of an action's detail fit for history: values under secret-looking keys become
 * `[redacted]` (unless they already are a `[secret:<name>]` placeholder) and credentials in URLs are removed.
 */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1[redacted]@');
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    // a value that is already a secret's placeholder (`[secret:st2_api_key]`) says which secret it was: kept
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && !(typeof v === 'string' && PLACEHOLDER.test(v)) ? '[redacted]' : redactSecrets(v)]));
  }
  return value;
}
