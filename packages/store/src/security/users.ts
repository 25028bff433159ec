import { randomBytes } from 'node:crypto';
import { errors, type Client } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core/errors';
import { VIGIL_ROLES, roleName, vigilRoles, type VigilRole } from './roles.ts';

/** The environment variable that holds the password of each role's user: `VIGIL_ES_INGEST_PASSWORD`… */
export function passwordVariable(role: VigilRole): string {
  return `VIGIL_ES_${role.toUpperCase()}_PASSWORD`;
}

/** Passwords set in `env`, by role; an empty variable counts as unset. */
export function passwordsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<VigilRole, string>> {
  const found: Partial<Record<VigilRole, string>> = {};
  for (const role of VIGIL_ROLES) {
    const value = env[passwordVariable(role)];
    if (value === undefined || value === '') continue;
    if (value.length < 16 || !/^[A-Za-z0-9._~-]+$/.test(value)) {
      throw new VigilError('CONFIG_INVALID', `${passwordVariable(role)}: must be at least 16 URL-safe characters (letters, digits, - . _ ~), for example: openssl rand -hex 24`);
    }
    found[role] = value;
  }
  return found;
}

/** What happened to one role's user. */
export interface UserSetup {
  role: VigilRole;
  /** Role and user name (`vigil_ingest`). */
  name: string;
  user: 'created' | 'updated';
  /** The environment variable its password is read from. */
  variable: string;
  /** Where the password came from: its environment variable, generated now (shown once), or kept as it was. */
  password: 'from environment' | 'generated' | 'unchanged';
  /** Only when generated: the one chance to read it. */
  generatedPassword?: string;
}

function notFound(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.meta.statusCode === 404;
}

/**
 * Creates or updates the roles and users of `prefix` in the native realm (needs `manage_security`:
 * the `elastic` superuser). Idempotent: roles are rewritten; a user keeps its password unless its
 * environment variable gives one; a new user without one gets a generated password, reported once.
 */
export async function setupUsers(client: Client, prefix: string, passwords: Partial<Record<VigilRole, string>>): Promise<UserSetup[]> {
  const roles = vigilRoles(prefix);
  const report: UserSetup[] = [];
  for (const role of VIGIL_ROLES) {
    const name = roleName(prefix, role);
    await client.security.putRole({ name, ...roles[role] });
    const existing = await client.security.getUser({ username: name }).then(
      (found) => found[name] !== undefined,
      (err: unknown) => {
        if (notFound(err)) return false;
        throw err;
      },
    );
    const given = passwords[role];
    const generated = given === undefined && !existing ? randomBytes(24).toString('hex') : undefined;
    const password = given ?? generated;
    await client.security.putUser({
      username: name,
      roles: [name],
      full_name: `Vigil ${role} (prefix ${prefix})`,
      metadata: { vigil_prefix: prefix, vigil_role: role },
      ...(password === undefined ? {} : { password }),
    });
    report.push({
      role,
      name,
      user: existing ? 'updated' : 'created',
      variable: passwordVariable(role),
      password: given !== undefined ? 'from environment' : generated !== undefined ? 'generated' : 'unchanged',
      ...(generated === undefined ? {} : { generatedPassword: generated }),
    });
  }
  return report;
}

/** Deletes the users and roles of `prefix` (tests, and an operator retiring a prefix). */
export async function deleteUsers(client: Client, prefix: string): Promise<void> {
  for (const role of VIGIL_ROLES) {
    const name = roleName(prefix, role);
    await client.security.deleteUser({ username: name }, { ignore: [404] });
    await client.security.deleteRole({ name }, { ignore: [404] });
  }
}
