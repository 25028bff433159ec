import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Delete or extend only while the lock still holds our token: a lock that expired and was taken
// by another worker must not be released or extended by us.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** A script by its SHA (cheaper per call than sending its text), loaded again after a Redis restart. */
async function runScript(redis: Redis, script: string, sha: string, key: string, ...args: string[]): Promise<unknown> {
  try {
    return await redis.evalsha(sha, 1, key, ...args);
  } catch (error) {
    if (!(error as Error).message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, 1, key, ...args);
  }
}
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const RELEASE_SHA = sha1(RELEASE);
const EXTEND_SHA = sha1(EXTEND);

/** A held per-watch lock; `release` is idempotent. `lost` turns true if a renewal found it gone. */
export interface HeldLock {
  readonly key: string;
  readonly lost: boolean;
  release(): Promise<void>;
}

/** Lock timing: the lock expires `ttlMs` after the last renewal, renewed every `ttlMs / 3`. */
export interface WatchLockOptions {
  /** Default 30 s: a crashed worker blocks its watch for at most this long. */
  ttlMs?: number;
  onLost?: (watchId: string) => void;
}

/**
 * Per-watch mutual exclusion across every worker on every host: `SET key token NX PX ttl`, renewed
 * while the run lasts, released by compare-and-delete. Keys are `<prefix>:watch-lock:<watch id>`.
 */
export class WatchLock {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #onLost: ((watchId: string) => void) | undefined;

  constructor(redis: Redis, prefix: string, options: WatchLockOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#onLost = options.onLost;
  }

  key(watchId: string): string {
    return `${this.#prefix}:watch-lock:${watchId}`;
  }

  /** Takes the lock, or returns undefined when another run of the watch holds it. */
  async acquire(watchId: string): Promise<HeldLock | undefined> {
    const key = this.key(watchId);
    const token = randomBytes(12).toString('hex');
    const ok = await this.#redis.set(key, token, 'PX', this.#ttlMs, 'NX');
    if (ok !== 'OK') return undefined;

    const redis = this.#redis;
    const onLost = this.#onLost;
    let lost = false;
    let released = false;
    const timer = setInterval(() => {
      runScript(redis, EXTEND, EXTEND_SHA, key, token, String(this.#ttlMs)).then(
        (n) => {
          if (n === 0 && !released && !lost) {
            lost = true;
            onLost?.(watchId);
          }
        },
        () => undefined, // Redis briefly away: the next tick tries again before the TTL runs out
      );
    }, Math.max(1, Math.floor(this.#ttlMs / 3)));
    return {
      key,
      get lost() {
        return lost;
      },
      async release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        await runScript(redis, RELEASE, RELEASE_SHA, key, token);
      },
    };
  }
}
