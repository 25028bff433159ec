export { createMailTransport } from './email/transport.ts';
export { ACTION_TYPES, actionType, watchSchema } from './registry.ts';
export type { ActionType, ActionContext, ActionResult, AlertView } from './types.ts';
export { watchJsonSchema } from './schema-json.ts';
export { render } from './template.ts';
