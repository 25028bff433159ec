import { createWatchSchema, type ActionOptionsSchema, type WatchSchema } from '@vigil/core';
import { blockIpAction } from './block_ip/index.ts';
import { indexAction } from './index/index.ts';
import { logAction } from './log/index.ts';
import { emailAction } from './email/index.ts';
import { slackAction } from './slack/index.ts';
import { webhookAction } from './webhook/index.ts';
import type { ActionType } from './types.ts';

/** Action types by `type:`. Adding one: a folder under src/ and one line here. */
export const ACTION_TYPES: Readonly<Record<string, ActionType>> = {
  log: logAction as unknown as ActionType,
  index: indexAction as unknown as ActionType,
  block_ip: blockIpAction as unknown as ActionType,
  email: emailAction as unknown as ActionType,
  slack: slackAction as unknown as ActionType,
  webhook: webhookAction as unknown as ActionType,
};

export function actionType(type: string): ActionType | undefined {
  return ACTION_TYPES[type];
}

let schema: WatchSchema | undefined;

/** The watch schema with every registered action type's options. */
export function watchSchema(): WatchSchema {
  schema ??= createWatchSchema(Object.fromEntries(Object.entries(ACTION_TYPES).map(([type, a]) => [type, a.options as ActionOptionsSchema])));
  return schema;
}
