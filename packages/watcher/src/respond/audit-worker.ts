import type { Client } from '@elastic/elasticsearch';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResponseAuditDocument } from '@vigil/actions';
import { VigilError } from '@vigil/core';
import { responsesQueueName, type ResponseOutcome } from '@vigil/responder/protocol';
import { ResponseAudit } from './audit.ts';
import { backoffStep } from '../deliver/queue.ts';
import { followUpResponse, type ResponseFollowUpDeps } from './follow-up.ts';

/** What the audit worker needs. */
export interface ResponseAuditWorkerOptions {
  /** Index prefix: names the queue and the audit indices. */
  prefix: string;
  /** Makes the worker's Redis connection; it is quit on close. */
  connect: () => Redis;
  /** Not closed by the worker. */
  elasticsearch: Client;
  /** Outcomes written at once (default 5). */
  concurrency?: number;
  /** Retry delays while Elasticsearch is away: the first, doubling up to the last (default 1 s to 60 s). */
  retryDelayMs?: { first: number; max: number };
  log?: (line: string) => void;
  /**
   * Runs watches' `on_response` actions for each outcome recorded (`vigil worker` passes it); without
   * it outcomes are only recorded.
   */
  followUp?: Omit<ResponseFollowUpDeps, 'log'>;
}

const OUTCOMES = new Set<string>(['blocked', 'unblocked', 'expired', 'refused', 'failed']);
const ACTIONS = new Set<string>(['block', 'unblock']);
const ORIGINS = new Set<string>(['watch', 'cli']);
/** Elasticsearch's `_id` limit is 512 bytes. */
const MAX_ID = 500;

const text = (v: unknown): v is string => typeof v === 'string' && v !== '';
const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The audit document of an outcome job, from the protocol's fields only (a host sends what it
 * likes; only these reach the audit). Throws when a required field is missing or malformed.
 */
export function outcomeDocument(data: unknown): ResponseAuditDocument {
  const o = (data ?? {}) as Partial<Record<keyof ResponseOutcome, unknown>>;
  const problems = [
    !text(o.id) || o.id.length > MAX_ID ? 'id' : undefined,
    !text(o['@timestamp']) || Number.isNaN(Date.parse(o['@timestamp'])) ? '@timestamp' : undefined,
    !text(o.request_id) ? 'request_id' : undefined,
    !text(o.action) || !ACTIONS.has(o.action) ? 'action' : undefined,
    !text(o.outcome) || !OUTCOMES.has(o.outcome) ? 'outcome' : undefined,
    !text(o.ip) ? 'ip' : undefined,
    !text((o.host as { name?: unknown } | undefined)?.name) ? 'host.name' : undefined,
  ].filter((p) => p !== undefined);
  if (problems.length > 0) throw new Error(`not a response outcome: bad or missing ${problems.join(', ')}`);
  const outcome = o as ResponseOutcome;
  const optional = {
    backend: text(o.backend) ? o.backend : undefined,
    duration_ms: count(o.duration_ms) ? o.duration_ms : undefined,
    step: count(o.step) ? o.step : undefined,
    expires: text(o.expires) && !Number.isNaN(Date.parse(o.expires)) ? o.expires : undefined,
    watch_id: text(o.watch_id) ? o.watch_id : undefined,
    alert_id: text(o.alert_id) ? o.alert_id : undefined,
    extends_request_id: text(o.extends_request_id) ? o.extends_request_id : undefined,
    error: text((o.error as { message?: unknown } | undefined)?.message) ? { message: outcome.error!.message } : undefined,
  };
  return {
    id: outcome.id,
    '@timestamp': new Date(outcome['@timestamp']).toISOString(),
    request_id: outcome.request_id,
    action: outcome.action,
    outcome: outcome.outcome,
    ip: outcome.ip,
    host: { name: outcome.host.name },
    reason: typeof o.reason === 'string' ? o.reason : '',
    origin: text(o.origin) && ORIGINS.has(o.origin) ? outcome.origin : 'watch',
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<ResponseAuditDocument>),
  };
}

/**
 * Writes responders' outcomes (`<prefix>-responses` jobs) to the audit, `<prefix>-responses-YYYY.MM.DD`
 * by the outcome's own `@timestamp` (UTC), with `_id` = outcome id: a job delivered twice, or the
 * same outcome sent twice, is one document.
 *
 * While Elasticsearch is away (no answer, 429, 5xx) a job is put back with a growing delay, as often
 * as it takes: these retries do not use up the job's attempts, so an outage of minutes or hours
 * loses nothing (the outcomes wait in Redis). With `followUp`, the watch's `on_response` actions for
 * the outcome are queued once it is recorded (a block in place, refused or failed). An outcome that is malformed, or that Elasticsearch
 * refuses, fails for good and stays in the queue's failed set with the reason.
 */
export class ResponseAuditWorker {
  readonly worker: Worker<unknown, void>;
  readonly #connection: Redis;
  readonly #audit: ResponseAudit;
  readonly #retry: { first: number; max: number };
  readonly #log: (line: string) => void;
  readonly #followUp: ResponseFollowUpDeps | undefined;

  constructor(options: ResponseAuditWorkerOptions) {
    this.#log = options.log ?? (() => undefined);
    this.#retry = options.retryDelayMs ?? { first: 1000, max: 60_000 };
    this.#audit = new ResponseAudit({ client: options.elasticsearch, prefix: options.prefix });
    this.#followUp = options.followUp === undefined ? undefined : { ...options.followUp, log: this.#log };
    this.#connection = options.connect();
    this.worker = new Worker<unknown, void>(responsesQueueName(options.prefix), (job, token) => this.#process(job, token), {
      connection: this.#connection,
      concurrency: options.concurrency ?? 5,
      autorun: false,
      // a worker killed mid-write leaves the job stalled: taken up again, not failed
      maxStalledCount: 100,
      removeOnComplete: { age: 86_400 },
    });
    this.worker.on('failed', (job, error) => this.#log(`response outcome ${job?.id ?? '?'} not recorded: ${error.message}`));
    this.worker.on('error', (error) => this.#log(`response audit worker: ${error.message}`));
  }

  /** Starts taking outcomes; resolves once connected (it keeps running in the background). */
  async start(): Promise<void> {
    void this.worker.run().catch(() => undefined); // errors surface through the 'error' event
    await this.worker.waitUntilReady();
  }

  /** Waits for writes in progress, then quits its connection. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.#connection.quit().catch(() => undefined);
  }

  async #process(job: Job<unknown, void>, token: string | undefined): Promise<void> {
    let document: ResponseAuditDocument;
    try {
      document = outcomeDocument(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    try {
      await this.#audit.record(document);
      // after the record: a retry writes the same document again and queues the same notification ids
      if (this.#followUp !== undefined) await followUpResponse(this.#followUp, document);
    } catch (error) {
      if (!(error instanceof VigilError && error.transient)) throw new UnrecoverableError((error as Error).message);
      const delay = backoffStep(job.attemptsStarted, { baseMs: this.#retry.first, maxMs: this.#retry.max });
      this.#log(`response outcome ${document.id}: ${error.message}; trying again in ${delay} ms`);
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  }
}
