import { describe, expect, it } from '@jest/globals';
import type { ParsedFields } from '../src/types.ts';
import { parse, vigil } from './syslog-helpers.ts';

/** The ECS fields an account-management event sets, as one row. */
function observed(e: ParsedFields): Record<string, unknown> {
  return { action: e.event?.action, type: e.event?.type, outcome: e.event?.outcome, user: e.user, group: e.group, iam: vigil(e, 'iam') };
}

const H = 'Nov 22 09:49:32 web1';
// [description, line, expected]
const rows: [string, string, Record<string, unknown>][] = [
  ['useradd, shadow-utils >= 4.9 with from=', `${H} useradd[6995]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0`,
    { action: 'added-user-account', type: ['user', 'creation'], outcome: 'success', user: { name: 'bob', id: '1001' }, group: { id: '1001' }, iam: { home: '/home/bob', shell: '/bin/bash', from: '/dev/pts/0' } }],
  ['useradd creating the user group', `${H} useradd[6995]: new group: name=bob, GID=1001`,
    { action: 'added-group-account', type: ['group', 'creation'], outcome: 'success', user: undefined, group: { name: 'bob', id: '1001' }, iam: undefined }],
  ['groupadd companion line', `${H} groupadd[7001]: group added to /etc/gshadow: name=ops`,
    { action: 'added-group-account', type: ['group', 'info'], outcome: 'success', user: undefined, group: { name: 'ops' }, iam: { file: '/etc/gshadow' } }],
  ['useradd -G', `${H} useradd[6995]: add 'bob' to group 'sudo'`,
    { action: 'added-user-to-group', type: ['group', 'change'], outcome: 'success', user: { name: 'bob' }, group: { name: 'sudo' }, iam: undefined }],
  ['useradd -G, shadow file', `${H} useradd[6995]: add 'bob' to shadow group 'sudo'`,
    { action: 'added-user-to-group', type: ['group', 'info'], outcome: 'success', user: { name: 'bob' }, group: { name: 'sudo' }, iam: undefined }],
  ['userdel', `${H} userdel[7100]: delete user 'bob'`,
    { action: 'deleted-user-account', type: ['user', 'deletion'], outcome: 'success', user: { name: 'bob' }, group: undefined, iam: undefined }],
  ['userdel removing the user group', `${H} userdel[7100]: removed group 'bob' owned by 'bob'`,
    { action: 'deleted-group-account', type: ['group', 'deletion'], outcome: 'success', user: { name: 'bob' }, group: { name: 'bob' }, iam: undefined }],
  ['groupdel', `${H} groupdel[7200]: group 'ops' removed`,
    { action: 'deleted-group-account', type: ['group', 'deletion'], outcome: 'success', user: undefined, group: { name: 'ops' }, iam: undefined }],
  ['usermod -s', `${H} usermod[7300]: change user 'bob' shell from '/bin/sh' to '/bin/bash'`,
    { action: 'modified-user-account', type: ['user', 'change'], outcome: 'success', user: { name: 'bob' }, group: undefined, iam: { changed: 'shell', old_value: '/bin/sh', new_value: '/bin/bash' } }],
  ['usermod -l', `${H} usermod[7300]: change user name 'bob' to 'robert'`,
    { action: 'modified-user-account', type: ['user', 'change'], outcome: 'success', user: { name: 'bob', changes: { name: 'robert' } }, group: undefined, iam: { changed: 'name' } }],
  ['usermod -L', `${H} usermod[7300]: lock user 'bob' password`,
    { action: 'modified-user-account', type: ['user', 'change'], outcome: 'success', user: { name: 'bob' }, group: undefined, iam: { changed: 'lock' } }],
  ['passwd (shadow-utils)', `${H} passwd[7400]: password for 'bob' changed by 'root'`,
    { action: 'changed-password', type: ['user', 'change'], outcome: 'success', user: { name: 'bob' }, group: undefined, iam: { by: 'root' } }],
  ['chage', `${H} chage[7500]: changed password expiry for bob`,
    { action: 'modified-user-account', type: ['user', 'change'], outcome: 'success', user: { name: 'bob' }, group: undefined, iam: { changed: 'password expiry' } }],
  ['gpasswd -a', `${H} gpasswd[7600]: user bob added by root to group docker`,
    { action: 'added-user-to-group', type: ['group', 'change'], outcome: 'success', user: { name: 'bob' }, group: { name: 'docker' }, iam: { by: 'root' } }],
  ['useradd failure', `${H} useradd[6995]: failed adding user 'bob', data deleted`,
    { action: 'added-user-account', type: ['user', 'creation'], outcome: 'failure', user: { name: 'bob' }, group: undefined, iam: undefined }],
];

describe('account management decoder', () => {
  it.each(rows)('%s', (_name, line, want) => {
    const e = parse(line);
    expect([e.event?.dataset, e.event?.module, e.event?.category]).toEqual(['auth', 'system', ['iam']]);
    expect(observed(e)).toEqual(want);
  });

  it('puts every named account in related.user', () => {
    expect(parse(`${H} gpasswd[7600]: user bob added by root to group docker`).related?.user).toEqual(['bob', 'root']);
    expect(parse(`${H} usermod[7300]: change user name 'bob' to 'robert'`).related?.user).toEqual(['bob', 'robert']);
  });

  it('a passwd PAM line is a password change of the user', () => {
    const e = parse(`${H} passwd[7400]: pam_unix(passwd:chauthtok): password changed for bob`);
    expect([e.event?.action, e.event?.category, e.event?.type, e.event?.outcome, e.user?.name]).toEqual(['changed-password', ['iam'], ['user', 'change'], 'success', 'bob']);
  });

  it.each([
    ['useradd', 'useradd[1]: useradd: user bob exists'],
    ['usermod', "usermod[1]: change user 'bob'"],
    ['groupadd', 'groupadd[1]: new group: name='],
    ['gpasswd', 'gpasswd[1]: user bob added by root'],
  ])('an unknown %s message stays a plain syslog event', (_program, rest) => {
    const e = parse(`${H} ${rest}`);
    expect([e.event, e.user, e.group]).toEqual([{ module: 'system' }, undefined, undefined]);
  });
});
