/** Vigil's long-running processes as `vigil up` runs them, in start order. */
export type RoleName = 'ingest' | 'scheduler' | 'worker' | 'responder';

/** One child of `vigil up`: a `vigil <args>` process whose output lines are prefixed `[<name>] `. */
export interface RoleSpec {
  name: RoleName;
  /** The subcommand and its options (after the global `--config`). */
  args: string[];
  /**
   * A line the role writes once it runs (its inputs listen, its queues are open). These are the
   * start lines of commands/ingest-serve.ts, scheduler.ts, worker.ts and responder.ts: a change
   * there shows in up.int.test.ts, which waits for the summary that needs them.
   */
  ready: RegExp;
}

/** What decides the children's arguments. */
export interface RoleOptions {
  /** Absolute folder of the input definitions. */
  ingestDir: string;
  /** `host:port` of the ingest metrics endpoint, or `off`. */
  metrics: string;
  /** The responder's configuration file; absent: no responder. */
  responderConfig?: string;
}

/** `ingest serve`, `scheduler`, `worker` and, with a configuration, `responder`. */
export function roleSpecs(options: RoleOptions): RoleSpec[] {
  const roles: RoleSpec[] = [
    { name: 'ingest', args: ['ingest', 'serve', '--dir', options.ingestDir, '--metrics', options.metrics], ready: /vigil ingest serve: \d+ input\(s\) into / },
    { name: 'scheduler', args: ['scheduler'], ready: /vigil scheduler: watches of / },
    { name: 'worker', args: ['worker'], ready: /vigil worker: runs and deliveries from / },
  ];
  if (options.responderConfig !== undefined) {
    roles.push({ name: 'responder', args: ['responder', '--config', options.responderConfig], ready: /vigil responder: host "/ });
  }
  return roles;
}
