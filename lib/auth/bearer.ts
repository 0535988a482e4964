/**
 * `Authorization: Bearer <credential>` for machine clients. The credential is either an API key
 * (`tok_…`, see api-keys.ts) or a login token from `POST /api/v1/auth/login`: a next-auth JWT
 * (same secret as sessions) valid 24 h. Either way the owner's *current* role applies and a
 * disabled owner is refused, so demoting or disabling a user takes effect on the next request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decode, encode } from 'next-auth/jwt';
import type { AuditRepo } from '../db/audit-repo';
import type { ApiKeysRepo } from '../db/api-keys-repo';
import { checkApiKey, looksLikeApiKey } from './api-keys';
import type { AuthState } from './auth-state';
import { sessionRefusal } from './revocation';
import { LOGIN_TOKEN_TYPE } from './session-claims';
import type { AuthenticatedUser } from './login';
import { isRole, type Role } from './roles';

export const LOGIN_TOKEN_HOURS = 24;
/** Claim that marks a login token, so a bearer token is never mistaken for something else. */
const TOKEN_TYPE = LOGIN_TOKEN_TYPE;

export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'token' | 'api-key' | 'metrics-token';
  address: string;
  /** The API key's visible prefix, when authenticated by key. */
  keyPrefix?: string;
  /** For a browser session: its login time and session generation (to re-issue it). */
  session?: { authTime: number; generation: number; sid: string };
}

/** Issues a login token for an authenticated user. */
export async function issueLoginToken(
  user: Pick<AuthenticatedUser, 'id' | 'username' | 'displayName' | 'role' | 'sessionGeneration'>,
  secret: string,
  hours = LOGIN_TOKEN_HOURS,
): Promise<{ token: string; expiresAt: Date }> {
  const maxAge = Math.round(hours * 3600);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const token = await encode({
    token: {
      sub: user.id,
      username: user.username,
      role: user.role,
      name: user.displayName ?? user.username,
      typ: TOKEN_TYPE,
      gen: user.sessionGeneration,
    },
    secret,
    maxAge,
  });
  return { token, expiresAt: new Date((nowSeconds + maxAge) * 1000) };
}

/** The user id and session generation in a valid, unexpired login token, or null. */
export async function readLoginToken(
  token: string,
  secret: string,
): Promise<{ userId: string; generation: number } | null> {
  try {
    const payload = await decode({ token, secret });
    if (!payload || payload.typ !== TOKEN_TYPE || typeof payload.sub !== 'string') return null;
    return { userId: payload.sub, generation: typeof payload.gen === 'number' ? payload.gen : 0 };
  } catch {
    return null;
  }
}

export type HeaderCredential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'bearer'; credential: string };

/** Classifies the Authorization header: absent, not a usable bearer credential, or one. */
export function bearerCredential(header: string | null): HeaderCredential {
  if (header === null) return { kind: 'none' };
  const m = /^Bearer +([A-Za-z0-9._~+/=-]{1,4096})\s*$/i.exec(header);
  return m?.[1] ? { kind: 'bearer', credential: m[1] } : { kind: 'malformed' };
}

/** Constant-time comparison of two secrets of any length (compares their SHA-256). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface BearerDeps {
  keys: ApiKeysRepo;
  audit: AuditRepo;
  auth: Pick<AuthState, 'userStates' | 'keys' | 'loggedOut'>;
  secret: string;
  /** When set and the route allows it, this exact token authenticates a metrics scraper. */
  metricsToken?: string;
}

export type BearerResult =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      reason: 'unknown' | 'expired' | 'revoked' | 'owner_disabled' | 'invalid_token' | 'session_revoked';
      actor: string | null;
      keyPrefix?: string;
    };

/** Authenticates a bearer credential to a principal, or says why not. */
export async function authenticateBearer(
  credential: string,
  deps: BearerDeps,
  address: string,
  allowMetricsToken = false,
): Promise<BearerResult> {
  if (allowMetricsToken && deps.metricsToken && secretsEqual(credential, deps.metricsToken)) {
    return {
      ok: true,
      principal: { userId: 'metrics', username: 'metrics-scraper', role: 'viewer', via: 'metrics-token', address },
    };
  }
  if (looksLikeApiKey(credential)) {
    const check = await checkApiKey({ keys: deps.keys, audit: deps.audit, state: deps.auth.keys }, credential, address);
    if (!check.ok)
      return { ok: false, reason: check.reason, actor: check.key?.username ?? null, keyPrefix: check.key?.prefix };
    const k = check.key;
    return {
      ok: true,
      principal: { userId: k.userId, username: k.username, role: k.role, via: 'api-key', address, keyPrefix: k.prefix },
    };
  }
  const login = await readLoginToken(credential, deps.secret);
  const user = login ? await deps.auth.userStates.get(login.userId) : null;
  if (!login || !user) return { ok: false, reason: 'invalid_token', actor: null };
  if (user.disabled || !isRole(user.role)) return { ok: false, reason: 'owner_disabled', actor: user.username };
  // A password change, reset or "log out other sessions" since the token was issued revokes it.
  if (sessionRefusal(login, user, deps.auth.loggedOut))
    return { ok: false, reason: 'session_revoked', actor: user.username };
  return { ok: true, principal: { userId: user.id, username: user.username, role: user.role, via: 'token', address } };
}
