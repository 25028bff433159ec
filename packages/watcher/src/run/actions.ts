import { actionType, type ActionContext } from '@vigil/actions';
import type { ActionOutcome, ActionStatus, Watch } from '@vigil/core';
import { expression } from '../condition/index.ts';
import { redactSecrets } from './redact.ts';

/** Everything of an action context except the action's own name. */
export type SharedActionContext = Omit<ActionContext, 'name'>;

/**
 * Runs a watch's actions for one alert, each on its own: one failing never stops another, and every
 * one leaves an outcome (executed, simulated, skipped by its condition, or failed with the error).
 */
export async function runActions(actions: Watch['actions'], context: SharedActionContext): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const [name, action] of Object.entries(actions)) {
    const base = { id: name, type: action.type, entity_key: context.alert.entity_key };
    const condition = action.condition as string | undefined;
    if (condition !== undefined && !expression(condition).evaluate({ entity: context.alert.entity, payload: context.alert.payload, alert: context.alert })) {
      outcomes.push({ ...base, status: 'skipped', reason: `condition is false: ${condition}` });
      continue;
    }
    const type = actionType(action.type);
    if (type === undefined) {
      outcomes.push({ ...base, status: 'failed', error: `unknown action type "${action.type}"` });
      continue;
    }
    try {
      const result = await type.execute(action, { ...context, name });
      outcomes.push({ ...base, status: result.status, ...(result.error === undefined ? {} : { error: result.error }), ...(result.detail === undefined ? {} : { detail: redactSecrets(result.detail) }) });
    } catch (error) {
      context.log(`watch ${context.watch.id} action ${name} failed: ${(error as Error).message}`);
      outcomes.push({ ...base, status: 'failed', error: (error as Error).message });
    }
  }
  return outcomes;
}

/** The same outcome for every action of an alert that is held back (throttled, acked, silenced). */
export function heldBack(actions: Watch['actions'], entityKey: string, status: ActionStatus, reason: string): ActionOutcome[] {
  return Object.entries(actions).map(([name, action]) => ({ id: name, type: action.type, status, entity_key: entityKey, reason }));
}
