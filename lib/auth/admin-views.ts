/**
 * What the admin API and the admin pages show of users, keys and audit entries, as plain JSON
 * (dates as ISO strings): one shape for both, so the page's first render and its later API
 * refreshes agree.
 */
import type { ApiKeyOwner } from '../db/api-keys-repo';
import type { AuditPage } from '../db/audit-repo';
import type { User } from '../db/users-repo';
import type { Role } from './roles';

export interface UserView {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface KeyView {
  id: string;
  prefix: string;
  name: string | null;
  owner: string;
  role: Role;
  ownerDisabled: boolean;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  address: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPageView {
  entries: AuditEntryView[];
  nextCursor: number | null;
}

/** Entries per audit page, for the page's first (server-rendered) list and its "older" pages. */
export const AUDIT_PAGE_SIZE = 50;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function userView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: iso(u.lastLoginAt),
  };
}

/** A key as listed (never its hash or secret), with its state now. */
export function keyView(k: ApiKeyOwner, now = Date.now()): KeyView {
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    owner: k.username,
    role: k.role,
    ownerDisabled: k.ownerDisabled,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
    state: k.revokedAt ? 'revoked' : k.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

export function auditPageView(p: AuditPage): AuditPageView {
  return { entries: p.entries.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: p.nextCursor };
}
