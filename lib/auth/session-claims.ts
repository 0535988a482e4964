/**
 * What makes a browser-session JWT acceptable, in one place for the proxy (pages), the route
 * helper (API), server components and the socket handshake. Pure: no database, so the proxy can
 * use it.
 *
 * Lifetime policy: a session lasts `SESSION_MAX_AGE_HOURS` from the moment of login, whatever the
 * activity (one shift; no sliding). next-auth re-issues the cookie on `GET /api/auth/session`
 * with a fresh `exp`, so `exp` alone would let an active (or stolen and replayed) cookie live
 * forever: the login time is kept in its own claim, `authTime`, copied across every renewal and
 * checked here. A token without it (issued before this check existed) counts from its `iat`,
 * which the first renewal then pins as its `authTime`.
 */
import type { JWT } from 'next-auth/jwt';
import { isRole, type Role } from './roles';

/** Claim that marks a bearer login token (lib/auth/bearer.ts): never a browser session. */
export const LOGIN_TOKEN_TYPE = 'api';
/** A login time this far in the future is refused (clock skew between instances allowed). */
const FUTURE_SKEW_SECONDS = 60;

export interface SessionClaims {
  userId: string;
  username: string;
  role: Role;
  /** Login time, seconds since the epoch. */
  authTime: number;
  /** The user's session generation when the session was issued (see lib/auth/revocation.ts). */
  generation: number;
  /** When the session ends for good, ms since the epoch. */
  expiresAtMs: number;
  /** Identifies one login across renewals (to end just it on logout); older tokens: the login time. */
  sid: string;
}

/** The configured session lifetime in seconds (`SESSION_MAX_AGE_HOURS`, set by the server). */
export function sessionMaxAgeSeconds(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const hours = Number(env.SESSION_MAX_AGE_HOURS ?? 8);
  return Math.round((Number.isFinite(hours) && hours > 0 ? hours : 8) * 3600);
}

/** The login time a token counts from: its `authTime`, else (older tokens) its `iat`. */
export function tokenAuthTime(token: JWT): number | null {
  const t = typeof token.authTime === 'number' ? token.authTime : token.iat;
  return typeof t === 'number' && Number.isFinite(t) ? t : null;
}

/**
 * The claims of a decoded session token when it is still a valid session at `nowMs`, else null:
 * a login token, missing claims, a login older than `maxAgeSeconds` or an `exp` in the past.
 */
export function readSessionClaims(
  token: JWT | null,
  nowMs = Date.now(),
  maxAgeSeconds = sessionMaxAgeSeconds(),
): SessionClaims | null {
  if (!token || token.typ === LOGIN_TOKEN_TYPE) return null;
  if (typeof token.sub !== 'string' || typeof token.username !== 'string' || !isRole(token.role)) return null;
  const authTime = tokenAuthTime(token);
  if (authTime === null || authTime > nowMs / 1000 + FUTURE_SKEW_SECONDS) return null;
  let expiresAtMs = (authTime + maxAgeSeconds) * 1000;
  if (typeof token.exp === 'number') expiresAtMs = Math.min(expiresAtMs, token.exp * 1000);
  if (nowMs >= expiresAtMs) return null;
  const generation = typeof token.gen === 'number' && Number.isInteger(token.gen) ? token.gen : 0;
  const sid = typeof token.sid === 'string' ? token.sid : String(authTime);
  return { userId: token.sub, username: token.username, role: token.role, authTime, generation, expiresAtMs, sid };
}
