import type { ActionOutcome, ActionStatus, Watch } from '@vigil/core';

/** The same outcome for every action of an alert that is held back (throttled, acked, silenced). */
export function heldBack(actions: Watch['actions'], entityKey: string, status: ActionStatus, reason: string): ActionOutcome[] {
  return Object.entries(actions).map(([name, action]) => ({ id: name, type: action.type, status, entity_key: entityKey, reason }));
}
