/** The two commands {@link deleteRedisPrefix} uses (an ioredis client has them). */
export interface ScanningRedis {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/**
 * Deletes the Redis keys of one test prefix only: its BullMQ queues (`bull:<prefix>-<queue>:*`) and
 * its own keys (`<prefix>:*`, locks and channels). The Redis is shared with other tests and may be
 * the developer's own, so FLUSHDB is never an option; for the prefix this is "Redis was emptied".
 */
export async function deleteRedisPrefix(redis: ScanningRedis, prefix: string): Promise<number> {
  if (!prefix.startsWith('vt-')) throw new Error(`refusing to delete keys of non-test prefix ${prefix}`);
  let deleted = 0;
  for (const pattern of [`bull:${prefix}-*`, `${prefix}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}
