import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CanonicalAddress } from './address.ts';
import { Allowlist, allowlistRefusal, type LocalAddresses } from './allowlist.ts';
import { backendType } from './backends/registry.ts';
import type { ApplyReason, BlockBackend, BlockTarget } from './backends/types.ts';
import type { BackendConfig, ResponderConfig } from './config.ts';
import { ResponderStartError } from './errors.ts';
import { expiredOutcomes, expiryFailedOutcome, refusedOutcome, requestOutcome, type Reporter } from './outcome.ts';
import {
  EXPIRE_JOB_NAME,
  queueJobId,
  responderQueueName,
  respondersKey,
  responsesQueueName,
  type BlockRequest,
  type ExpireJob,
  type ResponderAnnouncement,
  type ResponseOutcome,
} from './protocol.ts';
import { createRedisConnection } from './redis.ts';
import { validateRequest } from './request.ts';
import { execFileRunner, type ArgvRunner } from './runner.ts';
import { BlockState, type ActiveBlock, type BlockRequestSummary } from './state.ts';

/** Reported in {@link ResponderAnnouncement.version}; a test keeps it equal to package.json's. */
export const RESPONDER_VERSION = '0.1.0';

/** What a responder is built with. */
export interface ResponderOptions {
  config: ResponderConfig;
  /** Makes a Redis connection (called twice: BullMQ's worker, and the queues and the announcement); default from `config.redisUrl`. */
  connect?: () => Redis;
  /**
   * Executes every backend command (argv, no shell). Default {@link execFileRunner}. Tests run the
   * commands in a network namespace with `execFileRunner({ prefix: ['ip', 'netns', 'exec', ns] })`.
   */
  run?: ArgvRunner;
  /** The host's own addresses (allowlisted); default `os.networkInterfaces()`. */
  localAddresses?: LocalAddresses;
  /** Current time in ms (default `Date.now`). */
  now?: () => number;
  /** How often the announcement in `<prefix>:responders` is refreshed (ms, default 5 000). */
  announceIntervalMs?: number;
  /**
   * How often the state file is checked for blocks past their expiry whose expiry job never came
   * (Redis flushed while the responder ran; ms, default 30 000).
   */
  sweepIntervalMs?: number;
  log?: (line: string) => void;
}

/** What the worker returns for a job (kept by BullMQ, shown by its tools). */
export interface JobSummary {
  outcomes: string[];
}

const sameConfig = (a: BackendConfig, b: BackendConfig) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

function createBackend(config: BackendConfig, run: ArgvRunner, log: (line: string) => void): BlockBackend {
  const type = backendType(config.type);
  if (type === undefined) throw new ResponderStartError(`unknown backend type ${JSON.stringify(config.type)}`);
  return type.create(config, { run, log });
}

const targetOf = (block: ActiveBlock): BlockTarget => ({ ip: block.ip, family: block.family, ruleId: block.rule_request_id, expires: new Date(block.expires) });

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The responder of one protected host: consumes `<prefix>-responder-<host>`, applies each request
 * with the host's one backend, keeps its state file of active blocks, lifts blocks at expiry (a
 * delayed job on its own queue, and a periodic sweep of the state file), reports every outcome on
 * `<prefix>-responses`, and announces itself in `<prefix>:responders`.
 */
export class Responder {
  readonly host: string;
  readonly backend: BlockBackend;
  readonly #config: ResponderConfig;
  readonly #options: ResponderOptions;
  readonly #run: ArgvRunner;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #allowlist: Allowlist;
  readonly #reporter: Reporter;
  #state: BlockState | undefined;
  #connections: Redis[] = [];
  #redis: Redis | undefined;
  #outcomes: Queue | undefined;
  #queue: Queue | undefined;
  #worker: Worker | undefined;
  #timers: NodeJS.Timeout[] = [];
  #serial: Promise<unknown> = Promise.resolve();
  readonly #lastRedisErrors = new Map<string, number>();

  constructor(options: ResponderOptions) {
    this.#options = options;
    this.#config = options.config;
    this.host = options.config.host;
    this.#run = options.run ?? execFileRunner();
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => undefined);
    this.backend = createBackend(options.config.backend, this.#run, this.#log);
    this.#allowlist = new Allowlist({
      extra: options.config.allowlist,
      defaults: options.config.defaultAllowlist,
      ...(options.localAddresses === undefined ? {} : { localAddresses: options.localAddresses }),
    });
    this.#reporter = { host: this.host, backend: this.backend.type };
  }

  get queueName(): string {
    return responderQueueName(this.#config.indexPrefix, this.host);
  }

  /** The active blocks, as the state file has them. */
  get blocks(): readonly ActiveBlock[] {
    return this.#state?.blocks ?? [];
  }

  /**
   * Prepares the backend, reconciles the state file with it (re-applies what is due, lifts and
   * reports what has expired), then takes requests and announces itself. A backend that cannot be
   * prepared (a tool or kernel feature missing) fails the start with what is missing.
   */
  async start(): Promise<void> {
    const connect = this.#options.connect ?? (() => createRedisConnection(this.#config.redisUrl));
    this.#state = BlockState.open(this.#config.stateDir, this.host, this.#config.backend);
    const redis = connect();
    const workerRedis = connect();
    this.#connections = [redis, workerRedis];
    for (const c of this.#connections) c.on('error', (error: Error) => this.#logRedisError('redis', error));
    this.#redis = redis;
    this.#outcomes = new Queue(responsesQueueName(this.#config.indexPrefix), { connection: redis });
    this.#queue = new Queue(this.queueName, { connection: redis });
    for (const queue of [this.#outcomes, this.#queue]) queue.on('error', (error) => this.#logRedisError(`queue ${queue.name}`, error));

    try {
      await this.backend.prepare();
    } catch (cause) {
      throw new ResponderStartError(`the ${this.backend.type} backend could not be prepared: ${errorText(cause)}`, { cause });
    }
    await this.#exclusive(() => this.#reconcile());

    this.#worker = new Worker(this.queueName, (job) => this.#process(job), { connection: workerRedis, concurrency: 1, autorun: false });
    this.#worker.on('error', (error) => this.#logRedisError('worker', error));
    this.#worker.on('failed', (job, error) => this.#log(`job ${job?.id ?? '?'} failed: ${error.message}`));
    void this.#worker.run().catch((error: unknown) => this.#log(`worker stopped: ${errorText(error)}`));
    await this.#worker.waitUntilReady();

    await this.#announce();
    this.#timers.push(setInterval(() => void this.#announce(), this.#options.announceIntervalMs ?? 5_000));
    this.#timers.push(setInterval(() => void this.#exclusive(() => this.#sweep()).catch((e: unknown) => this.#log(`sweep: ${errorText(e)}`)), this.#options.sweepIntervalMs ?? 30_000));
  }

  /**
   * Stops taking requests (the one in progress finishes), removes the announcement, closes the
   * connections. Without a Redis connection (Redis down at start) it does not wait for one.
   */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    const connected = this.#redis === undefined || this.#redis.status === 'ready';
    const graceful = async () => {
      await this.#worker?.close(!connected);
      await this.#serial.catch(() => undefined);
      try {
        await this.#redis?.hdel(respondersKey(this.#config.indexPrefix), this.host);
      } catch (error) {
        this.#log(`could not remove the announcement: ${errorText(error)}`);
      }
      await this.#queue?.close();
      await this.#outcomes?.close();
      await Promise.allSettled(this.#connections.map((c) => c.quit()));
    };
    if (connected) await graceful();
    else await Promise.race([graceful().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    for (const c of this.#connections) c.disconnect();
    this.#state?.close();
  }

  /** Logs a connection error once per 30 s per source and message: ioredis retries every few hundred ms while Redis is away. */
  #logRedisError(source: string, error: Error): void {
    const key = `${source}: ${error.message}`;
    const now = Date.now();
    if ((this.#lastRedisErrors.get(key) ?? 0) > now - 30_000) return;
    this.#lastRedisErrors.set(key, now);
    this.#log(key);
  }

  /** Runs `fn` after every state change queued before it: jobs, the sweep and the reconcile never interleave. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(fn, fn);
    this.#serial = next.catch(() => undefined);
    return next;
  }

  get #blockState(): BlockState {
    if (this.#state === undefined) throw new Error('the responder is not started');
    return this.#state;
  }

  async #process(job: Job): Promise<JobSummary> {
    if (job.name === EXPIRE_JOB_NAME) return this.#exclusive(() => this.#onExpireJob(job.data as unknown));
    return this.#exclusive(() => this.#onRequest(job.data as unknown, String(job.id ?? '')));
  }

  // ── requests ──

  async #onRequest(data: unknown, jobId: string): Promise<JobSummary> {
    const check = validateRequest(data, this.#config.maxDurationMs);
    if (!check.ok) return this.#refuse(data, jobId, check.reason);
    const { request, address } = check.valid;
    if (!this.backend.families.has(address.family)) {
      return this.#refuse(data, jobId, `IPv${address.family} addresses are not blocked by this responder (ipv6: false in its ${this.backend.type} backend)`, address.text);
    }
    if (request.action === 'unblock') return this.#unblock(request, address);
    const allowed = this.#allowlist.match(address);
    if (allowed !== undefined) return this.#refuse(data, jobId, allowlistRefusal(address, allowed), address.text);
    return this.#block(request as BlockRequest & { duration_ms: number }, address);
  }

  async #refuse(data: unknown, jobId: string, reason: string, canonicalIp?: string): Promise<JobSummary> {
    return this.#report([refusedOutcome(this.#reporter, new Date(this.#now()), data, jobId, reason, canonicalIp)]);
  }

  async #block(request: BlockRequest & { duration_ms: number }, address: CanonicalAddress): Promise<JobSummary> {
    const state = this.#blockState;
    const now = this.#now();
    const wanted = now + request.duration_ms;
    const summary: BlockRequestSummary = {
      id: request.id,
      duration_ms: request.duration_ms,
      ...(request.step === undefined ? {} : { step: request.step }),
      ...(request.watch_id === undefined ? {} : { watch_id: request.watch_id }),
      ...(request.alert_id === undefined ? {} : { alert_id: request.alert_id }),
      reason: request.reason,
      origin: request.origin,
    };
    const existing = state.get(address.text);

    if (existing?.requests.some((r) => r.id === request.id)) {
      // the same request again (a redelivery after a crash): already applied
      await this.#scheduleExpiry(existing);
      return this.#report([requestOutcome(this.#reporter, new Date(now), request, address.text, 'blocked', { expires: existing.expires })]);
    }

    if (existing !== undefined) {
      const later = wanted > Date.parse(existing.expires);
      const merged: ActiveBlock = {
        ...existing,
        requests: [...existing.requests, summary],
        ...(later ? { expires: new Date(wanted).toISOString(), expiry_request_id: request.id } : {}),
      };
      state.put(merged);
      try {
        await this.backend.apply(targetOf(merged), Date.parse(merged.expires) - now, 'extend');
      } catch (error) {
        state.put(existing);
        return this.#report([requestOutcome(this.#reporter, new Date(now), request, address.text, 'failed', { error: errorText(error) })]);
      }
      await this.#scheduleExpiry(merged);
      if (later) await this.#unscheduleExpiry(existing);
      this.#log(`${address.text}: ${later ? 'block extended' : 'already blocked for longer'} until ${merged.expires} (request ${request.id})`);
      return this.#report([requestOutcome(this.#reporter, new Date(now), request, address.text, 'blocked', { expires: merged.expires, extends_request_id: existing.rule_request_id })]);
    }

    const block: ActiveBlock = {
      ip: address.text,
      family: address.family,
      rule_request_id: request.id,
      expiry_request_id: request.id,
      blocked: new Date(now).toISOString(),
      expires: new Date(wanted).toISOString(),
      requests: [summary],
    };
    // recorded before it is applied: a crash in between leaves a block that the next start applies or lifts, never one nobody knows
    state.put(block);
    try {
      await this.backend.apply(targetOf(block), request.duration_ms, 'new');
    } catch (error) {
      state.delete(block.ip);
      return this.#report([requestOutcome(this.#reporter, new Date(now), request, address.text, 'failed', { error: errorText(error) })]);
    }
    await this.#scheduleExpiry(block);
    this.#log(`${address.text}: blocked until ${block.expires} (request ${request.id})`);
    return this.#report([requestOutcome(this.#reporter, new Date(now), request, address.text, 'blocked', { expires: block.expires })]);
  }

  async #unblock(request: BlockRequest, address: CanonicalAddress): Promise<JobSummary> {
    const state = this.#blockState;
    const existing = state.get(address.text);
    try {
      await this.backend.remove({ ip: address.text, family: address.family, ...(existing === undefined ? {} : { ruleId: existing.rule_request_id }) });
    } catch (error) {
      return this.#report([requestOutcome(this.#reporter, new Date(this.#now()), request, address.text, 'failed', { error: errorText(error) })]);
    }
    if (existing !== undefined) {
      state.delete(address.text);
      await this.#unscheduleExpiry(existing);
    }
    this.#log(`${address.text}: unblocked (request ${request.id})`);
    return this.#report([requestOutcome(this.#reporter, new Date(this.#now()), request, address.text, 'unblocked')]);
  }

  // ── expiry ──

  async #scheduleExpiry(block: ActiveBlock): Promise<void> {
    const data: ExpireJob = { action: 'expire', request_id: block.expiry_request_id, ip: block.ip, expires: block.expires };
    const delay = Math.max(0, Date.parse(block.expires) - this.#now());
    await this.#queue?.add(EXPIRE_JOB_NAME, data, { jobId: queueJobId(`expire:${block.expiry_request_id}`), delay, removeOnComplete: true, removeOnFail: true });
  }

  /** Removes the expiry job a block had (superseded by an extension, or lifted); a job already gone is fine, a stale one would find nothing to do. */
  async #unscheduleExpiry(block: ActiveBlock): Promise<void> {
    await this.#queue?.remove(queueJobId(`expire:${block.expiry_request_id}`)).catch(() => 0);
  }

  async #onExpireJob(data: unknown): Promise<JobSummary> {
    const job = data as Partial<ExpireJob> | null;
    const block = typeof job?.ip === 'string' ? this.#blockState.get(job.ip) : undefined;
    // a block extended, lifted or re-blocked since has another expiry (and job): this one is stale
    if (block === undefined || block.expiry_request_id !== job?.request_id || block.expires !== job.expires) return { outcomes: [] };
    return this.#expire(block);
  }

  async #expire(block: ActiveBlock): Promise<JobSummary> {
    const at = new Date(this.#now());
    try {
      await this.backend.remove({ ip: block.ip, family: block.family, ruleId: block.rule_request_id });
    } catch (error) {
      // kept in the state file: the next sweep (or start) tries again
      this.#log(`${block.ip}: could not lift the expired block: ${errorText(error)}`);
      return this.#report([expiryFailedOutcome(this.#reporter, at, block, errorText(error))]);
    }
    this.#blockState.delete(block.ip);
    this.#log(`${block.ip}: block expired (${block.expires})`);
    return this.#report(expiredOutcomes(this.#reporter, at, block));
  }

  async #sweep(): Promise<void> {
    const now = this.#now();
    for (const block of [...this.#blockState.blocks]) if (Date.parse(block.expires) <= now) await this.#expire(block);
  }

  /**
   * At start: blocks recorded with another backend are lifted from it and applied with this one;
   * expired blocks are lifted and reported; blocks still due are applied again with their remaining
   * time (a reboot clears ipset and iptables) and their expiry job is scheduled again (Redis may
   * have been flushed).
   */
  async #reconcile(): Promise<void> {
    const state = this.#blockState;
    let reason: ApplyReason = 'reconcile';
    if (!sameConfig(state.backend, this.#config.backend)) {
      const previous = createBackend(state.backend, this.#run, this.#log);
      for (const block of state.blocks) {
        try {
          await previous.remove({ ip: block.ip, family: block.family, ruleId: block.rule_request_id });
        } catch (error) {
          this.#log(`${block.ip}: could not lift it from the previous ${previous.type} backend: ${errorText(error)}`);
        }
      }
      this.#log(`backend changed (${state.backend.type} → ${this.backend.type}): ${state.blocks.length} block(s) moved`);
      state.setBackend(this.#config.backend);
      reason = 'new';
    }
    const now = this.#now();
    for (const block of [...state.blocks]) {
      const remaining = Date.parse(block.expires) - now;
      if (remaining <= 0) {
        await this.#expire(block);
        continue;
      }
      if (!this.backend.families.has(block.family)) {
        this.#log(`${block.ip}: IPv${block.family} is no longer blocked by this backend; forgetting the block`);
        state.delete(block.ip);
        continue;
      }
      try {
        await this.backend.apply(targetOf(block), remaining, reason);
      } catch (error) {
        this.#log(`${block.ip}: could not apply the block again: ${errorText(error)}`);
      }
      await this.#scheduleExpiry(block);
    }
  }

  // ── reporting ──

  async #report(outcomes: ResponseOutcome[]): Promise<JobSummary> {
    const queue = this.#outcomes;
    if (queue === undefined) throw new Error('the responder is not started');
    for (const outcome of outcomes) {
      // job id from the outcome id: an outcome sent twice (a redelivered request) is one job. Retries
      // and retention are the audit worker's (it puts a job back while Elasticsearch is away).
      await queue.add('outcome', outcome, { jobId: queueJobId(outcome.id) });
      this.#log(`${outcome.request_id} ${outcome.action} ${outcome.ip}: ${outcome.outcome}${outcome.error === undefined ? '' : ` (${outcome.error.message})`}`);
    }
    return { outcomes: outcomes.map((o) => o.id) };
  }

  async #announce(): Promise<void> {
    const announcement: ResponderAnnouncement = { host: this.host, backend: this.backend.type, seen: new Date(this.#now()).toISOString(), version: RESPONDER_VERSION };
    try {
      await this.#redis?.hset(respondersKey(this.#config.indexPrefix), this.host, JSON.stringify(announcement));
    } catch (error) {
      this.#log(`could not announce: ${errorText(error)}`);
    }
  }
}
