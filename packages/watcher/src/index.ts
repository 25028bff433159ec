export { createRedisConnection, queueName } from './queue/connection.ts';
