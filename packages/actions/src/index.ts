export { createMailTransport } from './email/transport.ts';
export { ACTION_TYPES, actionType, watchSchema } from './registry.ts';
export type { ActionType, ActionContext, ActionResult, AlertView, WatchView, Notification, ResponderDispatch, ResponseView } from './types.ts';
export { transientFailure, permanentFailure, httpStatusFailure, networkFailure } from './errors.ts';
export type { EscapeMode, RenderOptions } from './template.ts';
export { watchJsonSchema } from './schema-json.ts';
export { render } from './template.ts';
export { parseIpAddress, canonicalIp, requestedDocument, writeAuditDocument, responsesIndex, responsesPattern, decisionOf, unblockDecisionId, requestIdFor, type ParsedAddress, type ResponseAuditDocument, type BlockDecision } from './block_ip/index.ts';
