// The role descriptors `vigil setup --users` installs, checked as data (what they allow on a real
// cluster is in security-roles.int.test.ts).
import { describe, expect, it } from '@jest/globals';
import { VigilError } from '@vigil/core';
import { VIGIL_ROLES, passwordVariable, passwordsFromEnv, roleName, vigilRoles } from '../src/security/index.ts';

describe('vigil roles', () => {
  it('names one role per process after the prefix', () => {
    expect(VIGIL_ROLES.map((r) => roleName('vigil', r))).toEqual(['vigil_ingest', 'vigil_watcher', 'vigil_responder', 'vigil_admin']);
    expect(VIGIL_ROLES.map(passwordVariable)).toEqual(['VIGIL_ES_INGEST_PASSWORD', 'VIGIL_ES_WATCHER_PASSWORD', 'VIGIL_ES_RESPONDER_PASSWORD', 'VIGIL_ES_ADMIN_PASSWORD']);
  });

  it('grants no role index deletion, security management or a blanket privilege', () => {
    for (const [role, descriptor] of Object.entries(vigilRoles('vigil'))) {
      const privileges = descriptor.indices.flatMap((i) => i.privileges);
      expect({ role, forbidden: privileges.filter((p) => ['all', 'manage', 'delete_index', 'delete'].includes(p)) }).toEqual({ role, forbidden: [] });
      expect({ role, cluster: descriptor.cluster.filter((p) => /all|security|manage$/.test(p)) }).toEqual({ role, cluster: [] });
      for (const name of descriptor.indices.flatMap((i) => i.names)) expect({ role, name }).toEqual({ role, name: expect.stringMatching(/^\/?vigil-/) });
    }
  });

  it('lets only ingest create events, and neither ingest nor responder read them', () => {
    const roles = vigilRoles('vigil');
    const events = roles.ingest.indices[0]?.names[0];
    const on = (role: keyof typeof roles) => roles[role].indices.filter((i) => i.names.includes(events as string)).flatMap((i) => i.privileges);
    expect(on('ingest')).toEqual(['create_doc', 'auto_configure', 'maintenance']);
    expect(on('watcher')).toEqual(['read', 'view_index_metadata']);
    expect(on('responder')).toEqual([]);
  });
});

describe('passwordsFromEnv', () => {
  it('takes set variables, treats empty ones as unset, and refuses a weak one naming it', () => {
    expect(passwordsFromEnv({ VIGIL_ES_INGEST_PASSWORD: 'a'.repeat(24), VIGIL_ES_ADMIN_PASSWORD: '' })).toEqual({ ingest: 'a'.repeat(24) });
    expect(() => passwordsFromEnv({ VIGIL_ES_WATCHER_PASSWORD: 'pass:word@host/16chars' })).toThrow(VigilError);
    expect(() => passwordsFromEnv({ VIGIL_ES_WATCHER_PASSWORD: 'short' })).toThrow(/VIGIL_ES_WATCHER_PASSWORD/);
  });
});
