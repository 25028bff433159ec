import { redactUrl, VigilError, type VigilConfig } from '@vigil/core';
import { openStores, watchesChangedChannel, type Stores } from '@vigil/store';
import type { Output } from '../../output.ts';

/** What the watch and alert commands are registered with (see register.ts). */
export interface CommandContext {
  out: Output;
  setExitCode: (code: number) => void;
  /** Reads the configuration on demand: `watch validate` never calls it, so it needs no services. */
  config: () => Promise<VigilConfig>;
}

/** Opens the stores (one retry: a command should fail fast), runs `use`, and closes the client whatever happens. */
export async function withStores<T>(config: VigilConfig, use: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = openStores(config, { maxRetries: 1 });
  try {
    return await use(stores);
  } finally {
    await stores.close();
  }
}

/** The message and exit code of a command that names a watch the registry does not have. */
export function noSuchWatch(ctx: CommandContext, id: string): number {
  ctx.out.error(`vigil: no watch "${id}" in the registry (see vigil watch list)`);
  return 1;
}

/**
 * Announces changed watches on `<prefix>:watches:changed` so a running scheduler reconciles them at
 * once. Best-effort: the registry already holds the change and the scheduler's periodic reconcile
 * finds it anyway, so an unreachable Redis is a warning, never a failed command.
 */
export async function announceChanges(ctx: CommandContext, config: VigilConfig, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redis.url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // the connection's own error (ECONNREFUSED…) says more than the rejected command's; reported below, once
  let cause: Error | undefined;
  redis.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    const channel = watchesChangedChannel(config.indexPrefix);
    for (const id of ids) await redis.publish(channel, id);
  } catch (err) {
    const reason = (cause ?? (err as Error)).message;
    ctx.out.error(`vigil: warning: could not notify the scheduler through Redis at ${redactUrl(config.redis.url)} (${reason}); it picks the change up at its next periodic reconcile`);
  } finally {
    redis.disconnect();
  }
}

/** Fails with a usage error (exit 2) for a bad option value. */
export function badOption(message: string): VigilError {
  return new VigilError('CONFIG_INVALID', message);
}
