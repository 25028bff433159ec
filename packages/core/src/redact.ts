/** A URL safe to print: the password (and an API key in the query) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<unparseable url>';
  }
}
