import { userInfo } from 'node:os';
import { requestIdFor, unblockDecisionId } from '@vigil/actions';
import type { VigilConfig } from '@vigil/core';
import type { BlockRequest } from '@vigil/responder/protocol';
import { BullResponderDispatch, ResponseAudit, type AnnouncedResponder } from '@vigil/watcher';
import type { CommandContext } from './watch/context.ts';
import { addressArgument, hostArgument, withElasticsearch, withRedis } from './responses/services.ts';

export interface UnblockOptions {
  host?: string;
  reason?: string;
}

/** An announcement older than this means the responder is not running now (its requests wait). */
const STALE_MS = 60_000;

function defaultReason(): string {
  try {
    return `manual unblock (vigil unblock) by ${userInfo().username}`;
  } catch {
    return 'manual unblock (vigil unblock)';
  }
}

/** The hosts to ask: the one named, or every host with a block of the address in force plus every announced responder. */
function targets(named: string | undefined, announced: AnnouncedResponder[], blocking: string[]): { hosts: string[]; unknown?: string } {
  const known = [...new Set([...blocking, ...announced.map((a) => a.host)])].sort();
  if (named === undefined) return { hosts: known };
  return known.includes(named) ? { hosts: [named] } : { hosts: [], unknown: named };
}

function staleNote(announcement: AnnouncedResponder | undefined, now: Date): string {
  if (announcement === undefined) return ' (it has not announced itself: the request waits in its queue)';
  if (announcement.seen === undefined || now.getTime() - Date.parse(announcement.seen) > STALE_MS) return ` (last seen ${announcement.seen ?? 'never'}: the request waits in its queue until it is back)`;
  return '';
}

async function sendUnblocks(ctx: CommandContext, config: VigilConfig, ip: string, options: UnblockOptions): Promise<number> {
  return withElasticsearch(config, (client) =>
    withRedis(config, async (redis) => {
      const dispatch = new BullResponderDispatch({ prefix: config.indexPrefix, connection: redis, elasticsearch: client });
      try {
        const now = new Date();
        const announced = await dispatch.announcements();
        const { blocks } = await new ResponseAudit({ client, prefix: config.indexPrefix }).activeBlocks(now, { ip });
        const { hosts, unknown } = targets(options.host, announced, blocks.map((b) => b.host));
        if (unknown !== undefined) {
          ctx.out.error(`vigil: no responder "${unknown}" is known: it has not announced itself and holds no block of ${ip}${announced.length === 0 ? '' : ` (announced: ${announced.map((a) => a.host).join(', ')})`}`);
          return 1;
        }
        if (hosts.length === 0) {
          ctx.out.error(`vigil: no responder is known: none has announced itself and no block of ${ip} is in force; start one on each protected host with \`vigil responder\``);
          return 1;
        }
        const decision = unblockDecisionId();
        for (const host of hosts) {
          const request: BlockRequest = { id: requestIdFor(decision, host), action: 'unblock', ip, reason: options.reason ?? defaultReason(), requested: now.toISOString(), origin: 'cli' };
          await dispatch.send(host, request);
          ctx.out.log(`sent unblock of ${ip} to ${host} (request ${request.id})${staleNote(announced.find((a) => a.host === host), now)}`);
        }
        return 0;
      } finally {
        await dispatch.close();
      }
    }),
  );
}

/**
 * `vigil unblock <ip> [--host H] [--reason TEXT]`: puts an `unblock` request on the queue of the
 * named host, or of every host that holds a block of the address (from the audit) and every
 * announced responder; each request is recorded in the audit as `requested`.
 */
export async function unblockCommand(ctx: CommandContext, text: string, options: UnblockOptions): Promise<number> {
  const ip = addressArgument(text, 'address');
  if (options.host !== undefined) hostArgument(options.host);
  return sendUnblocks(ctx, await ctx.config(), ip, options);
}
