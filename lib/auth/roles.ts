/**
 * The console's roles, in rank order: the one list (the users table's check constraint, the API
 * schemas and the OpenAPI document, the admin page's pickers all read it). No imports, so the
 * browser bundle can use it too.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Roles are ordered: an admin can do what an operator can, an operator what a viewer can. */
export function hasRole(actual: Role | undefined, needed: Role): boolean {
  return actual !== undefined && RANK[actual] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
