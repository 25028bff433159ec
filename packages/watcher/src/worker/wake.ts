import type { Redis } from 'ioredis';

/**
 * Wakes idle workers when the next delayed job falls due.
 *
 * Why: an idle BullMQ worker waits in `BZPOPMIN <marker> <seconds until the next delayed job>`, and
 * Redis expires blocking commands on its server cron tick (`hz`, 10 by default), so the worker wakes
 * up to 100 ms after the job's time. Every watch of one interval is due at the same instant, so that
 * lag adds to every run. Writing the "jobs available" marker at the due time (what BullMQ itself does
 * when a job is added, `ZADD marker 0 "0"`) unblocks the worker at once; it then promotes the due
 * delayed jobs itself. A marker written early or twice only costs the worker one empty fetch.
 *
 * Relies on two BullMQ key layouts (the `delayed` set scored `timestamp * 0x1000 + n`, the `marker`
 * set); if a BullMQ upgrade changes them, runs still happen, just up to one Redis tick later.
 */
export class DueTimeWaker {
  readonly #redis: Redis;
  readonly #delayedKey: string;
  readonly #markerKey: string;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastWoken = 0;

  /** `pollMs`: how often the next due time is re-read, to notice newly scheduled jobs (default 1 s). */
  constructor(redis: Redis, keys: { delayed: string; marker: string }, pollMs = 1_000) {
    this.#redis = redis;
    this.#delayedKey = keys.delayed;
    this.#markerKey = keys.marker;
    this.#pollMs = pollMs;
  }

  start(): void {
    void this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    let wait = this.#pollMs;
    try {
      const [, score] = await this.#redis.zrangebyscore(this.#delayedKey, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
      if (score !== undefined) {
        const due = Math.floor(Number(score) / 0x1000);
        const now = Date.now();
        if (due <= now && due > this.#lastWoken) {
          this.#lastWoken = due;
          await this.#redis.zadd(this.#markerKey, 0, '0');
          wait = 5; // then look for the next due time
        } else if (due <= now) {
          wait = 50; // already woken for it; busy workers will promote it as they free up
        } else {
          wait = Math.min(this.#pollMs, due - now);
        }
      }
    } catch {
      // Redis away: BullMQ's own blocking wait still delivers the jobs, only later.
    }
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#tick(), wait);
  }
}
