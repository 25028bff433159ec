/**
 * Account management lines of shadow-utils (`useradd`, `groupadd`, `userdel`, `groupdel`, `usermod`,
 * `passwd`, `chage`, `gpasswd`) → ECS `iam` events, the ones Elastic's "Linux User Account Creation"
 * and "Linux Group Creation" rules read (`event.type` `user`/`group` with `creation`, outcome
 * `success`). Field choices follow Elastic's system.auth pipeline on its expected output
 * (elastic-integrations/system-auth): `new user: name=apache, UID=48, GID=48, ...` → `user.name`,
 * `user.id`, `group.id`; `new group: name=apache, GID=48` → `group.name`, `group.id`.
 *
 * A message of these programs that no recogniser knows returns undefined: it stays a plain syslog
 * event (never a failure). The recognised shapes and their actions are listed in
 * src/sshd/README.md, "Account management".
 */
import type { EcsEvent } from '@vigil/core';
import type { ParsedFields } from '../types.ts';

/** `vigil.iam.*`: what an account management line says beyond the ECS fields. */
export interface IamDetails {
  /** `home=` of `new user:`. */
  home?: string;
  /** `shell=` of `new user:`. */
  shell?: string;
  /** `from=` of `new user:` (the terminal useradd ran on, shadow-utils >= 4.9). */
  from?: string;
  /** The account file a companion line names (`group added to /etc/gshadow: ...`). */
  file?: string;
  /** The user who made the change (`gpasswd`: `user bob added by root ...`; `passwd`: `changed by 'root'`). */
  by?: string;
  /** The attribute `usermod` changed (`shell`, `home`, `UID`, `password`, `lock`...). */
  changed?: string;
  /** Old and new values of the changed attribute, as logged. */
  old_value?: string;
  new_value?: string;
}

export type IamFields = Omit<ParsedFields, '@timestamp' | 'event'> & { event: Partial<EcsEvent['event']> & { dataset: 'auth' } };

/** Programs whose lines {@link decodeIam} reads. */
export const IAM_PROGRAMS: ReadonlySet<string> = new Set(['useradd', 'groupadd', 'userdel', 'groupdel', 'usermod', 'passwd', 'chage', 'gpasswd']);

/** `event.action` values (Elastic's auditd module names for the same account operations). */
type IamAction =
  | 'added-user-account'
  | 'added-group-account'
  | 'deleted-user-account'
  | 'deleted-group-account'
  | 'modified-user-account'
  | 'changed-password'
  | 'added-user-to-group'
  | 'removed-user-from-group';

interface IamMatch {
  action: IamAction;
  /** `event.type`: `user` or `group`, then `creation` / `deletion` / `change`, or `info` for a companion line. */
  type: [entity: 'user' | 'group', what: 'creation' | 'deletion' | 'change' | 'info'];
  outcome?: 'success' | 'failure';
  user?: { name: string; id?: string };
  group?: { name?: string; id?: string };
  /** `user.changes.name` (`usermod -l`: the new login name). */
  newName?: string;
  details?: IamDetails;
}

/** Decodes the message of an account-management program's line; undefined for shapes it does not know. */
export function decodeIam(message: string): IamFields | undefined {
  const m = trimEnd(message);
  const match = newUser(m) ?? newGroup(m) ?? quoted(m) ?? gpasswd(m);
  return match === undefined ? undefined : toFields(match);
}

function toFields(m: IamMatch): IamFields {
  const out: IamFields = { event: { dataset: 'auth', category: ['iam'], type: [...m.type], action: m.action, outcome: m.outcome ?? 'success' } };
  const related: string[] = [];
  if (m.user !== undefined) {
    out.user = m.user.id === undefined ? { name: m.user.name } : { name: m.user.name, id: m.user.id };
    related.push(m.user.name);
    if (m.newName !== undefined) {
      out.user.changes = { name: m.newName };
      related.push(m.newName);
    }
  }
  if (m.group !== undefined) out.group = m.group;
  const by = m.details?.by;
  if (by !== undefined && by !== '' && !related.includes(by)) related.push(by);
  if (related.length > 0) out.related = { user: related };
  if (m.details !== undefined) out.vigil = { iam: m.details };
  return out;
}

// ---- creation -----------------------------------------------------------------------------------

/** `new user: name=<u>, UID=<n>, GID=<n>, home=<dir>, shell=<path>[, from=<tty>]` (useradd). */
function newUser(m: string): IamMatch | undefined {
  if (!m.startsWith('new user: name=')) return undefined;
  const kv = keyValues(m, 15, ['UID', 'GID', 'home', 'shell', 'from']);
  const name = kv.get('name');
  if (name === undefined || name === '') return undefined;
  const match: IamMatch = { action: 'added-user-account', type: ['user', 'creation'], user: { name } };
  const uid = kv.get('UID');
  if (uid !== undefined && isDigits(uid)) match.user = { name, id: uid };
  const gid = kv.get('GID');
  if (gid !== undefined && isDigits(gid)) match.group = { id: gid };
  const d: IamDetails = {};
  for (const key of ['home', 'shell', 'from'] as const) {
    const v = kv.get(key);
    if (v !== undefined && v !== '') d[key] = v;
  }
  if (Object.keys(d).length > 0) match.details = d;
  return match;
}

/**
 * `new group: name=<g>, GID=<n>` (groupadd, and useradd creating the user's own group); the
 * `group added to <file>: name=<g>[, GID=<n>]` lines before it are its companions (type `info`).
 */
function newGroup(m: string): IamMatch | undefined {
  let at: number;
  let file: string | undefined;
  if (m.startsWith('new group: name=')) at = 16;
  else if (m.startsWith('group added to ')) {
    const colon = m.indexOf(': name=', 15);
    if (colon === -1) return undefined;
    file = m.slice(15, colon);
    at = colon + 7;
  } else return undefined;
  const kv = keyValues(m, at, ['GID']);
  const name = kv.get('name');
  if (name === undefined || name === '') return undefined;
  const gid = kv.get('GID');
  const group = gid !== undefined && isDigits(gid) ? { name, id: gid } : { name };
  if (file === undefined) return { action: 'added-group-account', type: ['group', 'creation'], group };
  return { action: 'added-group-account', type: ['group', 'info'], group, details: { file } };
}

// ---- lines with quoted names (userdel, groupdel, usermod, useradd, passwd, chage) ---------------

/** Lines whose names are in single quotes, plus `changed password expiry for <u>` (chage). */
function quoted(m: string): IamMatch | undefined {
  if (m.startsWith('delete user ')) return one(m, 12, (u) => ({ action: 'deleted-user-account', type: ['user', 'deletion'], user: { name: u } }));
  if (m.startsWith('group ')) return groupRemoved(m);
  if (m.startsWith('removed group ') || m.startsWith('removed shadow group ')) return removedOwnedGroup(m);
  if (m.startsWith('add ')) return membership(m, 4, ' to ', 'added-user-to-group');
  if (m.startsWith('delete ')) return membership(m, 7, ' from ', 'removed-user-from-group');
  if (m.startsWith('change user name ')) return renamed(m);
  if (m.startsWith('change user ')) return changedUser(m);
  if (m.startsWith('lock user ') || m.startsWith('unlock user ')) return locked(m);
  if (m.startsWith('failed adding user ')) return one(m, 19, (u) => ({ action: 'added-user-account', type: ['user', 'creation'], outcome: 'failure', user: { name: u } }));
  if (m.startsWith('password for ')) return passwordChangedBy(m);
  if (m.startsWith('changed password expiry for ')) {
    const user = m.slice(28);
    return user === '' ? undefined : { action: 'modified-user-account', type: ['user', 'change'], user: { name: user }, details: { changed: 'password expiry' } };
  }
  return undefined;
}

/** `group '<g>' removed` (groupdel); `group '<g>' removed from <file>` is its companion. */
function groupRemoved(m: string): IamMatch | undefined {
  const q = quotedAt(m, 6);
  if (q === undefined) return undefined;
  if (m.length === q.next + 8 && m.endsWith(' removed')) return { action: 'deleted-group-account', type: ['group', 'deletion'], group: { name: q.value } };
  if (m.startsWith(' removed from ', q.next)) return { action: 'deleted-group-account', type: ['group', 'info'], group: { name: q.value }, details: { file: m.slice(q.next + 14) } };
  return undefined;
}

/** `removed group '<g>' owned by '<u>'` (userdel removing the user's own group); the shadow line is its companion. */
function removedOwnedGroup(m: string): IamMatch | undefined {
  const shadow = m.startsWith('removed shadow group ');
  const q = quotedAt(m, shadow ? 21 : 14);
  if (q === undefined || !m.startsWith(' owned by ', q.next)) return undefined;
  const owner = quotedAt(m, q.next + 10);
  if (owner === undefined || owner.next !== m.length) return undefined;
  return { action: 'deleted-group-account', type: ['group', shadow ? 'info' : 'deletion'], group: { name: q.value }, user: { name: owner.value } };
}

/** `add '<u>' to [shadow ]group '<g>'`, `delete '<u>' from [shadow ]group '<g>'` (useradd -G, usermod -aG, userdel). */
function membership(m: string, at: number, preposition: ' to ' | ' from ', action: IamAction): IamMatch | undefined {
  const u = quotedAt(m, at);
  if (u === undefined || !m.startsWith(preposition, u.next)) return undefined;
  let k = u.next + preposition.length;
  const shadow = m.startsWith('shadow ', k);
  if (shadow) k += 7;
  if (!m.startsWith('group ', k)) return undefined;
  const g = quotedAt(m, k + 6);
  if (g === undefined || g.next !== m.length) return undefined;
  return { action, type: ['group', shadow ? 'info' : 'change'], user: { name: u.value }, group: { name: g.value } };
}

/** `change user name '<old>' to '<new>'` (usermod -l). */
function renamed(m: string): IamMatch | undefined {
  const old = quotedAt(m, 17);
  if (old === undefined || !m.startsWith(' to ', old.next)) return undefined;
  const now = quotedAt(m, old.next + 4);
  if (now === undefined || now.next !== m.length) return undefined;
  return { action: 'modified-user-account', type: ['user', 'change'], user: { name: old.value }, newName: now.value, details: { changed: 'name' } };
}

/** `change user '<u>' password`, `change user '<u>' <attribute> from '<old>' to '<new>'` (usermod). */
function changedUser(m: string): IamMatch | undefined {
  const u = quotedAt(m, 12);
  if (u === undefined || m.charCodeAt(u.next) !== 32) return undefined;
  const rest = m.slice(u.next + 1);
  if (rest === 'password') return { action: 'changed-password', type: ['user', 'change'], user: { name: u.value } };
  const from = rest.indexOf(" from '");
  if (from <= 0) return undefined;
  const old = quotedAt(rest, from + 6);
  if (old === undefined || !rest.startsWith(' to ', old.next)) return undefined;
  const now = quotedAt(rest, old.next + 4);
  if (now === undefined || now.next !== rest.length) return undefined;
  return { action: 'modified-user-account', type: ['user', 'change'], user: { name: u.value }, details: { changed: rest.slice(0, from), old_value: old.value, new_value: now.value } };
}

/** `lock user '<u>' password`, `unlock user '<u>' password` (usermod -L / -U). */
function locked(m: string): IamMatch | undefined {
  const lock = m.charCodeAt(0) === 108; // l
  const u = quotedAt(m, lock ? 10 : 12);
  if (u === undefined || m.slice(u.next) !== ' password') return undefined;
  return { action: 'modified-user-account', type: ['user', 'change'], user: { name: u.value }, details: { changed: lock ? 'lock' : 'unlock' } };
}

/** `password for '<u>' changed by '<who>'` (shadow-utils passwd). */
function passwordChangedBy(m: string): IamMatch | undefined {
  const u = quotedAt(m, 13);
  if (u === undefined || !m.startsWith(' changed by ', u.next)) return undefined;
  const by = quotedAt(m, u.next + 12);
  if (by === undefined || by.next !== m.length) return undefined;
  return { action: 'changed-password', type: ['user', 'change'], user: { name: u.value }, details: { by: by.value } };
}

// ---- gpasswd ------------------------------------------------------------------------------------

/** `user <u> added by <who> to group <g>`, `user <u> removed by <who> from group <g>` (gpasswd -a / -d). */
function gpasswd(m: string): IamMatch | undefined {
  if (!m.startsWith('user ')) return undefined;
  for (const [verb, preposition, action] of [
    [' added by ', ' to group ', 'added-user-to-group'],
    [' removed by ', ' from group ', 'removed-user-from-group'],
  ] as const) {
    const v = m.indexOf(verb, 5);
    if (v === -1) continue;
    const p = m.indexOf(preposition, v + verb.length);
    if (p === -1 || v === 5) return undefined;
    const group = m.slice(p + preposition.length);
    if (group === '' || group.includes(' ')) return undefined;
    return { action, type: ['group', 'change'], user: { name: m.slice(5, v) }, group: { name: group }, details: { by: m.slice(v + verb.length, p) } };
  }
  return undefined;
}

// ---- helpers ------------------------------------------------------------------------------------

/** `'<value>'` at `at`: the value and the index past the closing quote, or undefined. */
function quotedAt(m: string, at: number): { value: string; next: number } | undefined {
  if (m.charCodeAt(at) !== 39) return undefined;
  const close = m.indexOf("'", at + 1);
  if (close === -1 || close === at + 1) return undefined;
  return { value: m.slice(at + 1, close), next: close + 1 };
}

/** `name=<v>, K1=<v>, K2=<v>...` from `at` (just past `name=`): each value runs to the next `, <known key>=`. */
function keyValues(m: string, at: number, keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let key = 'name';
  let start = at;
  let k = 0;
  while (k <= keys.length) {
    let next = -1;
    let nextKey = '';
    for (let j = k; j < keys.length; j++) {
      const i = m.indexOf(`, ${keys[j]}=`, start);
      if (i !== -1 && (next === -1 || i < next)) {
        next = i;
        nextKey = keys[j] as string;
        k = j + 1;
      }
    }
    out.set(key, m.slice(start, next === -1 ? m.length : next));
    if (next === -1) break;
    start = next + nextKey.length + 3;
    key = nextKey;
  }
  return out;
}

function one(m: string, at: number, make: (name: string) => IamMatch): IamMatch | undefined {
  const q = quotedAt(m, at);
  if (q === undefined) return undefined;
  // `failed adding user 'u', data deleted`: whatever follows the name is fine
  return make(q.value);
}

function isDigits(s: string): boolean {
  if (s === '' || s.length > 10) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 13 || s.charCodeAt(end - 1) === 9)) end--;
  return end === s.length ? s : s.slice(0, end);
}
