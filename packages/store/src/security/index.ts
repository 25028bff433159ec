export { VIGIL_ROLES, indexPatterns, roleName, vigilRoles, type RoleDescriptor, type VigilRole } from './roles.ts';
export { deleteUsers, passwordVariable, passwordsFromEnv, setupUsers, type UserSetup } from './users.ts';
