export { BullResponderDispatch, type BullResponderDispatchOptions, type AnnouncedResponder } from './dispatch.ts';
export { ResponseAudit, MAX_AUDIT_READ, type ActiveBlock, type AuditFilter, type AuditPage, type PreviousBlock } from './audit.ts';
export { ResponseAuditWorker, outcomeDocument, type ResponseAuditWorkerOptions } from './audit-worker.ts';
export { followUpResponse, responseNotifications, responseViewOf, type ResponseFollowUpDeps } from './follow-up.ts';
