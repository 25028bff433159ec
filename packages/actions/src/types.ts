import type { Client } from '@elastic/elasticsearch';
import type { ActionStatus, AlertState, Clock } from '@vigil/core';
import type { z } from 'zod';

/** The alert an action is run for, as templates and action code see it. */
export interface AlertView {
  /** `<watch>:<hash of entity>`: stable across runs for one entity. */
  id: string;
  entity: Record<string, unknown>;
  entity_key: string;
  state: AlertState;
  episode: number;
  count: number;
  first_seen: string;
  last_seen: string;
  payload: Record<string, unknown>;
  window: { from: string; to: string };
}

/** Everything an action may use; actions get services from here, never from globals. */
export interface ActionContext {
  watch: { id: string; name: string; description: string; severity: string; tags: string[]; metadata: Record<string, unknown> };
  alert: AlertView;
  /** The action's name in the watch (the key under `actions`). */
  name: string;
  /** `simulate`: build everything (rendered text, target, request) but send nothing, change nothing. */
  mode: 'execute' | 'simulate';
  clock: Clock;
  indexPrefix: string;
  elasticsearch?: Client;
  log: (line: string) => void;
}

/** An action's typed result; `detail` goes into watch history (secrets redacted by the action). */
export interface ActionResult {
  status: Extract<ActionStatus, 'executed' | 'simulated' | 'failed'>;
  detail?: unknown;
  error?: string;
}

/**
 * An action type: its options schema (strict; `type` and `condition` are added by the watch schema)
 * and how to run it. Errors thrown by `execute` become a `failed` result with the message; a
 * VigilError whose `transient` is true may be retried by the caller.
 */
export interface ActionType<S extends z.ZodObject = z.ZodObject> {
  type: string;
  description: string;
  options: S;
  execute(options: z.output<S>, context: ActionContext): Promise<ActionResult>;
}
