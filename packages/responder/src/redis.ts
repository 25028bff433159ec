import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ needs it (`maxRetriesPerRequest: null`: a blocking command waits
 * through a Redis restart). `rediss://` connects with TLS (the system's CAs, plus `NODE_EXTRA_CA_CERTS`);
 * `redis://user:pass@host:port` logs in as an ACL user.
 */
export function createRedisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** The URL with its password replaced by `***`, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<unparseable url>';
  }
}
