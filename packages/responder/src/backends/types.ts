import type { z } from 'zod';
import type { ArgvRunner } from '../runner.ts';

/** One address to block, as every backend receives it: already parsed, canonical, not allowlisted. */
export interface BlockTarget {
  /** Canonical text: IPv4 dotted quad or RFC 5952 IPv6. Never anything else. */
  ip: string;
  family: 4 | 6;
  /**
   * The request that created the block: it marks the rule (`vigil:<id>` comments, the hosts.deny
   * comment line) for as long as the block lasts, extensions included. Matches `REQUEST_ID`.
   */
  ruleId: string;
  /** When the block ends. */
  expires: Date;
}

/**
 * Why {@link BlockBackend.apply} is called: a `new` block; an `extend`ed one (its expiry moved
 * later); or `reconcile` at start, for every block still due (a reboot may have cleared it).
 */
export type ApplyReason = 'new' | 'extend' | 'reconcile';

/** What a backend does to the host's firewall (or file, or remote firewall). */
export interface BlockBackend {
  /** The `type` in the configuration (`ipset`, `hosts.deny`...). */
  readonly type: string;
  /** True when the firewall expires entries on its own (ipset, nftables): blocks are applied with their remaining time. */
  readonly nativeTimeout: boolean;
  /** Address families it can block (a backend configured with `ipv6: false` has only 4). */
  readonly families: ReadonlySet<4 | 6>;
  /** Creates what blocks need and is missing (a set, a table, a DROP rule), at start. Idempotent. */
  prepare(): Promise<void>;
  /**
   * Ensures `target` is blocked until `target.expires` (`remainingMs` from now, > 0). Never adds a
   * second rule for an address already blocked by this backend.
   */
  apply(target: BlockTarget, remainingMs: number, reason: ApplyReason): Promise<void>;
  /**
   * Lifts the block; succeeds when there was none. Without `ruleId` (an unblock for an address the
   * state file does not know), any block of the address marked as the responder's is lifted.
   */
  remove(target: RemoveTarget): Promise<void>;
}

/** What {@link BlockBackend.remove} needs: the address, and the rule's marker when known. */
export interface RemoveTarget {
  ip: string;
  family: 4 | 6;
  ruleId?: string;
}

/** What a backend is built with. */
export interface BackendDeps {
  /** Executes every command it runs (argv, no shell). */
  run: ArgvRunner;
  log: (line: string) => void;
}

/** A backend type: the schema of its `backend:` section (strict, with its `type`) and how to build it. */
export interface BackendType {
  readonly type: string;
  readonly schema: z.ZodType;
  /** `options` has passed `schema`. */
  create(options: unknown, deps: BackendDeps): BlockBackend;
}

/** Declares a backend type with its options typed by its schema. */
export function defineBackend<S extends z.ZodType>(definition: { type: string; schema: S; create(options: z.output<S>, deps: BackendDeps): BlockBackend }): BackendType {
  return { type: definition.type, schema: definition.schema, create: (options, deps) => definition.create(options as z.output<S>, deps) };
}

/** Seconds of a remaining time, rounded up, at least 1 (firewall timeouts are whole seconds). */
export function remainingSeconds(remainingMs: number): number {
  return Math.max(1, Math.ceil(remainingMs / 1000));
}
