const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie/i;

/**
 * A copy of an action's detail fit for history: values under secret-looking keys become
 * `[redacted]` and credentials in URLs are removed.
 */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1[redacted]@');
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactSecrets(v)]));
  }
  return value;
}
