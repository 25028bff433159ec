import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deleteRedisPrefix, repoRoot, serviceEnv, until } from '@vigil/testkit';
import { createRedisConnection, queueJobId, responderQueueName, responsesQueueName, type BlockRequest, type ResponseOutcome } from '../../src/index.ts';

/** The test Redis (`.services/env` or the environment). */
export const redisUrl = (): string => serviceEnv(repoRoot()).VIGIL_REDIS_URL;

/**
 * Vigil's side of the protocol for one test prefix: puts requests on a host's queue (job id =
 * request id, as the dispatcher does) and reads the outcomes back from the responses queue.
 * `close` also deletes every key of the prefix.
 */
export class VigilSide {
  readonly prefix: string;
  readonly redis: Redis;
  readonly #queues = new Map<string, Queue>();

  constructor(prefix: string, url = redisUrl()) {
    this.prefix = prefix;
    this.redis = createRedisConnection(url);
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { connection: this.redis });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async send(host: string, request: BlockRequest | Record<string, unknown>, jobId?: string): Promise<void> {
    const id = jobId ?? String((request as { id?: unknown }).id);
    await this.#queue(responderQueueName(this.prefix, host)).add(String((request as { action?: unknown }).action ?? 'block'), request, { jobId: queueJobId(id) });
  }

  /** Every outcome reported so far, oldest first. */
  async outcomes(): Promise<ResponseOutcome[]> {
    const jobs = await this.#queue(responsesQueueName(this.prefix)).getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs.map((j) => j.data as ResponseOutcome).sort((a, b) => a['@timestamp'].localeCompare(b['@timestamp']) || a.id.localeCompare(b.id));
  }

  /** Waits for the outcome `id` (`<request id>:<outcome>`) and returns it. */
  async outcome(id: string, timeoutMs = 10_000): Promise<ResponseOutcome> {
    let found: ResponseOutcome | undefined;
    await until(`outcome ${id}`, async () => {
      found = (await this.outcomes()).find((o) => o.id === id);
      return found !== undefined;
    }, timeoutMs, 50);
    return found as ResponseOutcome;
  }

  /** Jobs waiting or delayed on a host's queue (its expiry jobs). */
  async hostJobs(host: string): Promise<{ id: string; name: string; delay: number; data: unknown }[]> {
    const jobs = await this.#queue(responderQueueName(this.prefix, host)).getJobs(['waiting', 'delayed', 'active']);
    return jobs.map((j) => ({ id: String(j.id), name: j.name, delay: j.delay, data: j.data }));
  }

  /** "Redis was emptied", for this prefix only. */
  async flush(): Promise<void> {
    await deleteRedisPrefix(this.redis, this.prefix);
  }

  async close(): Promise<void> {
    for (const queue of this.#queues.values()) await queue.close();
    await deleteRedisPrefix(this.redis, this.prefix);
    await this.redis.quit();
  }
}

/** A block request with sensible test values. */
export function blockRequest(id: string, ip: string, durationMs: number, overrides: Partial<BlockRequest> = {}): BlockRequest {
  return { id, action: 'block', ip, duration_ms: durationMs, step: 0, watch_id: 'test.watch', alert_id: 'test.watch:e1', reason: 'test block', requested: new Date().toISOString(), origin: 'watch', ...overrides };
}

export function unblockRequest(id: string, ip: string): BlockRequest {
  return { id, action: 'unblock', ip, reason: 'manual unblock', requested: new Date().toISOString(), origin: 'cli' };
}
