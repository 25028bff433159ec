export { WatchLock, type HeldLock, type WatchLockOptions } from './lock.ts';
export { processWatchJob, type RunFunction, type WatchJobLike, type WatchJobResult, type ProcessDeps } from './process.ts';
export { WatchWorker, type WatchWorkerOptions } from './worker.ts';
export { startWorkerRoles, type WorkerRoles, type WorkerRolesOptions } from './roles.ts';
