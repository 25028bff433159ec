export { createRedisConnection, queueName } from './queue/connection.ts';
export * from './schedule/index.ts';
export * from './worker/index.ts';
export * from './run/index.ts';
export { evaluateCondition, type Candidate } from './condition/index.ts';
export { buildPayload } from './transform/index.ts';
export { executeInput, searchRequest, joinHits, fillQuery, windowEndingAt, type TimeWindow, type InputResult } from './input/index.ts';
export * from './alert/state.ts';
