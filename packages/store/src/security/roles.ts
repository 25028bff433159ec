/**
 * The Elasticsearch roles of one index prefix, least privilege per process:
 *
 * - `<prefix>_ingest`: creates documents in event and dead-letter indices (never updates, reads or
 *   deletes them: a replayed `create` answers 409), may auto-create those indices and refresh them
 *   (the run-once `vigil ingest` refreshes before it reports).
 * - `<prefix>_watcher`: scheduler and worker: reads events, reads and writes the watch registry,
 *   alert state, deliveries, run history, the response audit and `notable` indices of index actions.
 * - `<prefix>_responder`: writes and reads the response audit only (a process that records block /
 *   unblock outcomes directly; the compose responder has no Elasticsearch credentials at all).
 * - `<prefix>_admin`: the `vigil` CLI of an operator: templates, system indices, everything of the
 *   prefix except deleting indices.
 *
 * Index names are Lucene regular expressions (`/.../`) rather than `<prefix>-*` wildcards, so that a
 * prefix never reaches another prefix's indices (`vigil-*` would match `vigil-test-auth-…`).
 */

/** The processes that get a role and a user. */
export const VIGIL_ROLES = ['ingest', 'watcher', 'responder', 'admin'] as const;
export type VigilRole = (typeof VIGIL_ROLES)[number];

/** An Elasticsearch role descriptor, as `PUT _security/role/<name>` and `roles.yml` take it. */
export interface RoleDescriptor {
  cluster: string[];
  indices: Array<{ names: string[]; privileges: string[] }>;
  metadata: { vigil_prefix: string; vigil_role: VigilRole };
}

/** Names that are not datasets although they fit a dataset's syntax: system indices and index-action output. */
const RESERVED_DATASETS = ['watches', 'alerts', 'deliveries', 'responses', 'deadletter', 'notable'] as const;
const DAY = '[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}';

/** Escapes a literal for a Lucene regular expression (a prefix is `[a-z0-9_-]`, but stay safe). */
function literal(text: string): string {
  return text.replace(/[.?+*|{}[\]()"\\#@&<>~]/g, (c) => `\\${c}`);
}

/** The role (and user) name of `role` under `prefix`: `vigil_ingest` for the default prefix. */
export function roleName(prefix: string, role: VigilRole): string {
  return `${prefix}_${role}`;
}

/** Index name patterns of a prefix, each one Lucene regexp or exact name. */
export function indexPatterns(prefix: string) {
  const p = literal(prefix);
  return {
    /** `<prefix>-<dataset>-YYYY.MM.DD`; a dataset is `[a-z0-9][a-z0-9_]*` (no `-`) and not a reserved name. */
    events: `/${p}-([a-z0-9][a-z0-9_]*&~(${RESERVED_DATASETS.join('|')}))-${DAY}/`,
    deadletter: `/${p}-deadletter-${DAY}/`,
    history: `/${p}-watch-history-${DAY}/`,
    responses: `/${p}-responses-${DAY}/`,
    /** What the shipped watches' index actions write: `<prefix>-notable` and `<prefix>-notable-…`. */
    notable: `/${p}-notable(-[a-z0-9._\\-]+)?/`,
    watches: `${prefix}-watches`,
    alerts: `${prefix}-alerts`,
    deliveries: `${prefix}-deliveries`,
  };
}

const WRITE_NEW = ['create_doc', 'auto_configure'];
const READ_WRITE = ['read', 'view_index_metadata', 'index', 'create_doc', 'auto_configure'];

/** The four role descriptors of `prefix`, keyed by role. */
export function vigilRoles(prefix: string): Record<VigilRole, RoleDescriptor> {
  const i = indexPatterns(prefix);
  const meta = (role: VigilRole) => ({ vigil_prefix: prefix, vigil_role: role });
  return {
    ingest: {
      // monitor: `GET /` names the cluster that file offsets are keyed by
      cluster: ['monitor'],
      indices: [{ names: [i.events, i.deadletter], privileges: [...WRITE_NEW, 'maintenance'] }],
      metadata: meta('ingest'),
    },
    watcher: {
      cluster: ['monitor'],
      indices: [
        { names: [i.events], privileges: ['read', 'view_index_metadata'] },
        { names: [i.watches, i.alerts, i.deliveries, i.history, i.responses, i.notable], privileges: [...READ_WRITE, 'maintenance'] },
      ],
      metadata: meta('watcher'),
    },
    responder: {
      cluster: [],
      indices: [{ names: [i.responses], privileges: [...READ_WRITE] }],
      metadata: meta('responder'),
    },
    admin: {
      // templates (`vigil setup`); no manage_security: roles and users are the superuser's step
      cluster: ['monitor', 'manage_index_templates'],
      indices: [
        {
          names: [i.events, i.deadletter, i.history, i.responses, i.notable, i.watches, i.alerts, i.deliveries],
          privileges: ['read', 'view_index_metadata', 'write', 'create_index', 'auto_configure', 'maintenance'],
        },
      ],
      metadata: meta('admin'),
    },
  };
}
