/** What a {@link SerialQueue} tells its source: stop reading while work is queued, read again when idle. */
export interface SerialHooks {
  pause?: () => void;
  resume?: () => void;
  /** A task threw; the queue goes on with the next one. */
  onError?: (err: unknown) => void;
}

/**
 * Runs async tasks one at a time, in the order they were pushed, and holds its source paused while
 * any task is queued or running: the pause-while-writing pattern of every stream input (a TCP socket
 * that is not read fills its kernel buffer and the sender slows down).
 */
export class SerialQueue {
  readonly #tasks: Array<() => Promise<void>> = [];
  readonly #hooks: SerialHooks;
  #running = false;
  #idleWaiters: Array<() => void> = [];

  constructor(hooks: SerialHooks = {}) {
    this.#hooks = hooks;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.#tasks.length + (this.#running ? 1 : 0);
  }

  /** Queues a task; the promise settles (never rejects) when it has run. */
  push(task: () => Promise<void>): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#tasks.push(async () => {
      try {
        await task();
      } catch (err) {
        this.#hooks.onError?.(err);
      } finally {
        resolve();
      }
    });
    if (!this.#running) {
      this.#running = true;
      this.#hooks.pause?.();
      void this.#run();
    }
    return promise;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    for (let task = this.#tasks.shift(); task !== undefined; task = this.#tasks.shift()) await task();
    this.#running = false;
    this.#hooks.resume?.();
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
