import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { parseIpAddress } from '@vigil/actions';
import { redactUrl, VigilError, type VigilConfig } from '@vigil/core';
import { HOST_ID } from '@vigil/responder/protocol';
import { createElasticsearchClient } from '@vigil/store';
import { badOption } from '../watch/context.ts';

/** `--ip` / `<ip>`: one address, canonical; anything else is a usage error saying why. */
export function addressArgument(text: string, what: string): string {
  const parsed = parseIpAddress(text);
  if (!parsed.ok) throw badOption(`${what} ${JSON.stringify(text)} is not an IP address: ${parsed.reason}`);
  return parsed.ip;
}

/** `--host`: a responder host id. */
export function hostArgument(text: string): string {
  if (!HOST_ID.test(text)) throw badOption(`--host ${JSON.stringify(text)} is not a responder host id: lower-case letters, digits, ".", "_" or "-"`);
  return text;
}

/** Opens an Elasticsearch client (one retry: a command fails fast), runs `use`, closes it. */
export async function withElasticsearch<T>(config: VigilConfig, use: (client: Client) => Promise<T>): Promise<T> {
  const client = createElasticsearchClient(config.elasticsearch, { maxRetries: 1 });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Connects to Redis failing fast (a command must not wait for a server that is not there), runs `use`, disconnects. */
export async function withRedis<T>(config: VigilConfig, use: (redis: Redis) => Promise<T>): Promise<T> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redis.url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let cause: Error | undefined;
  redis.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new VigilError('SERVICE_UNAVAILABLE', `cannot reach Redis at ${redactUrl(config.redis.url)}: ${(cause ?? (err as Error)).message}`, { cause: err });
  }
  try {
    return await use(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
