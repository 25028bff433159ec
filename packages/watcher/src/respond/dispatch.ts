import type { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { canonicalIp, permanentFailure, requestedDocument, transientFailure, type ResponderDispatch } from '@vigil/actions';
import { HOST_ID, queueJobId, REQUEST_ID, respondersKey, responderQueueName, type BlockRequest, type ResponderAnnouncement } from '@vigil/responder/protocol';
import { ResponseAudit, type PreviousBlock } from './audit.ts';

/** What a dispatcher is built from. It closes neither the connection nor the client. */
export interface BullResponderDispatchOptions {
  /** Index prefix: names the queues, the announcements hash and the audit indices. */
  prefix: string;
  /** A Redis connection for the hosts' queues and the announcements. */
  connection: Redis;
  elasticsearch: Client;
  /** Where Redis connection errors of the queues go (default: nowhere; `send` reports its own failure). */
  log?: (line: string) => void;
}

/** A responder as its announcement says (fields it did not send are absent). */
export interface AnnouncedResponder {
  host: string;
  backend?: string;
  /** When it last refreshed its announcement (ISO). */
  seen?: string;
  version?: string;
}

/**
 * How block requests sit in a host's queue: kept a week after they are done (so a retried delivery
 * finds its job and adds nothing) and a month after they failed; a responder whose processing
 * throws gets three tries.
 */
const REQUEST_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 86_400 },
  removeOnFail: { age: 30 * 86_400 },
} as const;

function announcementOf(host: string, text: string): AnnouncedResponder {
  try {
    const a = JSON.parse(text) as Partial<ResponderAnnouncement>;
    return { host, ...(typeof a.backend === 'string' ? { backend: a.backend } : {}), ...(typeof a.seen === 'string' ? { seen: a.seen } : {}), ...(typeof a.version === 'string' ? { version: a.version } : {}) };
  } catch {
    return { host };
  }
}

/**
 * The production {@link ResponderDispatch}: block requests go to `<prefix>-responder-<host>`
 * (BullMQ, job id = `queueJobId(request id)`), and each request sent leaves a `requested` document
 * in the audit (`<prefix>-responses-*`), which is what escalation counts.
 *
 * `hosts()` is every host in the announcements hash, however long ago it was last seen: a
 * responder that is restarting, or a host that is down for maintenance, must still get its request,
 * which waits in its queue until the responder is back. `vigil unblock` says which hosts were not
 * seen lately; removing a host for good is removing its field from the hash.
 */
export class BullResponderDispatch implements ResponderDispatch {
  readonly #prefix: string;
  readonly #redis: Redis;
  readonly #audit: ResponseAudit;
  readonly #queues = new Map<string, Queue>();
  readonly #log: (line: string) => void;

  constructor(options: BullResponderDispatchOptions) {
    this.#prefix = options.prefix;
    this.#redis = options.connection;
    this.#audit = new ResponseAudit({ client: options.elasticsearch, prefix: options.prefix });
    this.#log = options.log ?? (() => undefined);
  }

  /** Every announced responder with what it said about itself, sorted by host. */
  async announcements(): Promise<AnnouncedResponder[]> {
    let fields: Record<string, string>;
    try {
      fields = await this.#redis.hgetall(respondersKey(this.#prefix));
    } catch (error) {
      throw transientFailure(`reading the announced responders from Redis: ${(error as Error).message}`, error);
    }
    // a field that is no host id could not name a queue: ignored
    return Object.entries(fields)
      .filter(([host]) => HOST_ID.test(host))
      .map(([host, text]) => announcementOf(host, text))
      .sort((a, b) => a.host.localeCompare(b.host));
  }

  async hosts(): Promise<string[]> {
    return (await this.announcements()).map((a) => a.host);
  }

  previousBlocks(ip: string, since: string): Promise<PreviousBlock[]> {
    return this.#audit.previousBlocks(ip, since);
  }

  /**
   * Puts the request on the host's queue, then records it. Idempotent by `request.id`: a request
   * already recorded is not sent again, and BullMQ keeps one job per id. Redis and Elasticsearch
   * failures are transient (the delivery retries the whole send); a bad host or address is not.
   */
  async send(host: string, request: BlockRequest): Promise<void> {
    if (!HOST_ID.test(host)) throw permanentFailure(`"${host}" is not a responder host id`);
    if (!REQUEST_ID.test(request.id)) throw permanentFailure(`"${request.id}" is not a request id a responder accepts`);
    if (canonicalIp(request.ip) !== request.ip) throw permanentFailure(`block request ${request.id}: "${request.ip}" is not a canonical IP address`);
    const document = requestedDocument(host, request);
    if (await this.#audit.has(document.id)) return;
    try {
      await this.#queue(host).add(request.action, request, { ...REQUEST_JOB_OPTIONS, jobId: queueJobId(request.id) });
    } catch (error) {
      throw transientFailure(`queueing ${request.action} of ${request.ip} for ${host}: ${(error as Error).message}`, error);
    }
    await this.#audit.record(document);
  }

  /** Closes the queues it opened (not the connection, not the client). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    this.#queues.clear();
  }

  #queue(host: string): Queue {
    let queue = this.#queues.get(host);
    if (queue === undefined) {
      queue = new Queue(responderQueueName(this.#prefix, host), { connection: this.#redis });
      queue.on('error', (error) => this.#log(`responder queue of ${host}: ${error.message}`));
      this.#queues.set(host, queue);
    }
    return queue;
  }
}
