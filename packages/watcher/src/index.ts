export { createRedisConnection, queueName } from './queue/connection.ts';
export * from './schedule/index.ts';
export * from './worker/index.ts';
