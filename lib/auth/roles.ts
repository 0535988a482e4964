import { ROLES, type Role } from '../db/schema';

export { ROLES, type Role };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Roles are ordered: an admin can do what an operator can, an operator what a viewer can. */
export function hasRole(actual: Role | undefined, needed: Role): boolean {
  return actual !== undefined && RANK[actual] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
