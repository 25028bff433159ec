// Attempts, not lines (issue 9): a real OpenSSH with PAM (Debian's openssh-server in a network
// namespace, `UsePAM yes`, default LogLevel and MaxAuthTries, Debian's /etc/pam.d/sshd) logs each kind
// of login the way it does on a server, and the syslog parser must put `auth_failure` / `auth_success`
// on exactly one event per authentication attempt, whichever lines sshd and PAM wrote for it.
// Needs root and Debian's openssh-server (scripts/test installs it); fails, never skips, without them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSshdLab, type SshdLab, type SshLogin } from '@vigil/testkit';
import type { ParsedFields } from '../src/types.ts';
import { parse } from './syslog-helpers.ts';

const WRONG = 'not-the-password';

/** A login from its own client address, and the attempts it makes. */
interface Case {
  name: string;
  login: (lab: SshdLab) => Omit<SshLogin, 'from'>;
  failures: number;
  successes: number;
  /** Lines about the connection that say `failure` (what a count of lines saw before): more than the attempts. */
  failureLines: number;
}

const invalid = 'no-such-user';
const cases: Case[] = [
  { name: 'a wrong password', login: (lab) => ({ user: lab.user.name, method: 'password', answers: [WRONG] }), failures: 1, successes: 0, failureLines: 3 },
  { name: 'an invalid user', login: () => ({ user: invalid, method: 'password', answers: [WRONG] }), failures: 1, successes: 0, failureLines: 4 },
  // the client would try 7 times; sshd ends the connection at MaxAuthTries (6, the default)
  { name: 'MaxAuthTries: wrong passwords until sshd disconnects', login: (lab) => ({ user: lab.user.name, method: 'password', answers: Array(7).fill(WRONG) }), failures: 6, successes: 0, failureLines: 10 },
  { name: 'keyboard-interactive: four wrong answers', login: (lab) => ({ user: lab.user.name, method: 'keyboard-interactive', answers: Array(4).fill(WRONG) }), failures: 4, successes: 0, failureLines: 10 },
  { name: 'keyboard-interactive: an invalid user', login: () => ({ user: invalid, method: 'keyboard-interactive', answers: [WRONG] }), failures: 1, successes: 0, failureLines: 5 },
  { name: 'a success after two wrong passwords', login: (lab) => ({ user: lab.user.name, method: 'password', answers: [WRONG, WRONG, lab.user.password] }), failures: 2, successes: 1, failureLines: 3 },
  { name: 'keyboard-interactive: a success after a wrong answer', login: (lab) => ({ user: lab.user.name, method: 'keyboard-interactive', answers: [WRONG, lab.user.password] }), failures: 1, successes: 1, failureLines: 2 },
];

let lab: SshdLab;
let events: ParsedFields[];
let lines: string[];
const addressOf = new Map<string, string>();

beforeAll(async () => {
  lab = await createSshdLab({ clients: cases.length });
  // concurrently, each from its own address: PAM's delay after a failure (about 2 s) paces them all
  await Promise.all(cases.map((c, i) => {
    const from = lab.clients[i] as string;
    addressOf.set(c.name, from);
    return lab.ssh({ ...c.login(lab), from });
  }));
  lines = await lab.authLog();
  const now = new Date();
  events = lines.map((line) => parse(line, { timezone: 'UTC', now }));
}, 60_000);

afterAll(async () => {
  await lab?.destroy();
});

/** Events that name `address` (PAM's `check pass; user unknown` names none and says nothing new). */
const from = (address: string) => events.filter((e) => e.source?.ip === address);
const tagged = (list: ParsedFields[], tag: string) => list.filter((e) => e.tags?.includes(tag)).length;

describe(`a real sshd with PAM`, () => {
  it('is Debian\'s OpenSSH, and every line it wrote parses as an auth event', () => {
    expect(lab.version).toMatch(/^OpenSSH_\d+\.\d+/);
    expect(events.length).toBeGreaterThan(30);
    expect(events.filter((e) => e.event?.dataset !== 'auth')).toEqual([]);
    expect(events.every((e) => e.host?.hostname === lab.hostname)).toBe(true);
  });

  it.each(cases)('$name: auth_failure and auth_success on exactly one event per attempt', (c) => {
    const seen = from(addressOf.get(c.name) as string);
    const failureLines = seen.filter((e) => e.event?.outcome === 'failure' && e.event.category?.includes('authentication')).length;
    expect({ failures: tagged(seen, 'auth_failure'), successes: tagged(seen, 'auth_success'), failureLines }).toEqual({ failures: c.failures, successes: c.successes, failureLines: c.failureLines });
  });

  it('the attempt events are sshd\'s own lines: `Failed`/`Accepted`, or `error: PAM:` for keyboard-interactive', () => {
    const attempts = events.filter((e) => e.tags?.includes('auth_failure') || e.tags?.includes('auth_success'));
    const kinds = new Set(attempts.map((e) => (e.message as string).replace(/ for .*/, '')));
    expect([...kinds].sort()).toEqual(['Accepted keyboard-interactive/pam', 'Accepted password', 'Failed password', 'error: PAM: Authentication failure']);
  });

  it('PAM\'s lines, `Invalid user` and `Failed keyboard-interactive/pam` are companions: type info, no tag', () => {
    const companions = events.filter((e) => /^(pam_unix\(sshd:auth\): authentication failure|PAM \d+ more|Invalid user|Failed keyboard-interactive\/pam)/.test(e.message as string));
    expect(new Set(companions.map((e) => (e.message as string).slice(0, 12)))).toEqual(new Set(['pam_unix(ssh', 'PAM 5 more a', 'Invalid user', 'Failed keybo']));
    expect(companions.filter((e) => e.event?.type?.join() !== 'info' || e.tags !== undefined)).toEqual([]);
  });
});
