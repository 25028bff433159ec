/**
 * The Redis pub/sub channel on which watch changes are announced (message: the watch id), so a
 * running scheduler reconciles that watch at once instead of at its next periodic pass. Publishing
 * is best-effort: the registry stays the source of truth and the periodic reconcile catches up.
 */
export function watchesChangedChannel(prefix: string): string {
  return `${prefix}:watches:changed`;
}
