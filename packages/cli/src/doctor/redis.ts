import { Redis } from 'ioredis';
import { redactUrl, type VigilConfig } from '@vigil/core';
import { fail, ok, reason, warn, type CheckResult } from './check.ts';

/** One CONFIG GET value; `undefined` where the server forbids CONFIG (managed Redis services do). */
async function configValue(redis: Redis, key: string): Promise<string | undefined> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', key)) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

/**
 * Reachable; `maxmemory-policy noeviction` (BullMQ's jobs and schedulers must never be evicted: an
 * evicted scheduler key is a watch that silently stops running); persistence on, else a warning.
 */
export async function checkRedis(config: VigilConfig): Promise<CheckResult[]> {
  const where = redactUrl(config.redis.url);
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported through the failed command below
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version';
    const results = [ok('redis', `${version} at ${where}`)];

    const policy = await configValue(redis, 'maxmemory-policy');
    if (policy === undefined) results.push(warn('redis policy', 'CONFIG GET is not allowed, maxmemory-policy unknown', 'make sure the server runs with maxmemory-policy noeviction'));
    else if (policy === 'noeviction') results.push(ok('redis policy', 'maxmemory-policy noeviction'));
    else results.push(fail('redis policy', `maxmemory-policy ${policy} may evict queue keys and silently stop watches`, 'CONFIG SET maxmemory-policy noeviction, and set it in redis.conf'));

    const aof = await configValue(redis, 'appendonly');
    const save = await configValue(redis, 'save');
    if (aof === 'yes') results.push(ok('redis persist', 'append-only file on'));
    else if (save !== undefined && save.trim() !== '') results.push(warn('redis persist', `RDB snapshots only (save "${save}"): a crash loses the last minutes of queue state`, 'CONFIG SET appendonly yes, and set it in redis.conf'));
    else if (aof === undefined) results.push(warn('redis persist', 'CONFIG GET is not allowed, persistence unknown', 'make sure the server runs with appendonly yes'));
    else results.push(warn('redis persist', 'persistence off: a Redis restart loses queued runs (the scheduler rebuilds schedules from Elasticsearch)', 'CONFIG SET appendonly yes, and set it in redis.conf'));
    return results;
  } catch (err) {
    return [fail('redis', `${where} unreachable: ${reason(err)}`, 'start it (scripts/services up) or point VIGIL_REDIS_URL at a running Redis')];
  } finally {
    redis.disconnect();
  }
}
