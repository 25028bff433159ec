import { Redis } from 'ioredis';
import { VigilError, redactUrl } from '@vigil/core';

/**
 * A Redis connection as BullMQ needs it: `maxRetriesPerRequest: null` so a blocking worker command
 * waits through a Redis restart instead of failing the job, and no offline queue limit surprises.
 */
export function createRedisConnection(url: string, options: { lazyConnect?: boolean } = {}): Redis {
  try {
    return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: options.lazyConnect ?? false });
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `cannot use Redis URL ${redactUrl(url)}: ${(cause as Error).message}`, { cause });
  }
}

/** Queue names carry the index prefix, so installations (and test runs) sharing one Redis stay apart. */
export function queueName(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}
