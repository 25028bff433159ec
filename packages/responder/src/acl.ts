import { responderQueueName, respondersKey, responsesQueueName } from './protocol.ts';

/**
 * The Redis ACL rules (Redis 7) of a least-privilege user for the responder of `host`: what BullMQ
 * needs to consume one queue (its host's, where it also adds its own delayed expiry jobs) and to
 * produce on another (the responses), plus the announcement hash. Use it as
 * `ACL SETUSER vigil-responder-<host> on >password <rules...>` or one `user` line of an aclfile.
 *
 * - Keys: BullMQ keeps a queue under `bull:<queue name>:*`. The patterns end with `:*` so the
 *   responder of `web1` cannot touch the queue of `web10`.
 * - Channels: none (BullMQ 5+ uses streams and marker keys, not pub/sub).
 * - Commands: reads and writes (checked against the key patterns, inside Lua scripts too), MULTI,
 *   EVAL/EVALSHA and SCRIPT LOAD/EXISTS (BullMQ's Lua scripts, loaded by ioredis), INFO (BullMQ
 *   reads the server version) and CLIENT SETNAME; nothing `@dangerous` (FLUSHALL, CONFIG, KEYS,
 *   ACL, MONITOR...), no other scripting (FUNCTION FLUSH and FUNCTION LOAD are `@write`, FCALL,
 *   SCRIPT FLUSH), and no SCAN or RANDOMKEY, which would list the names of every key in the
 *   database whatever the key patterns.
 */
export function responderAclRules(prefix: string, host: string): string[] {
  return [
    'resetkeys',
    'resetchannels',
    `~bull:${responderQueueName(prefix, host)}:*`,
    `~bull:${responsesQueueName(prefix)}:*`,
    `~${respondersKey(prefix)}`,
    '-@all',
    '+@connection',
    '+@read',
    '+@write',
    '+@transaction',
    '-@dangerous',
    '-@scripting',
    '+info',
    '+client|setname',
    '+eval',
    '+evalsha',
    '+script|load',
    '+script|exists',
    '-scan',
    '-randomkey',
  ];
}
