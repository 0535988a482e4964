import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { readSessionClaims } from '../auth/session-claims';
import type { UserState } from '../auth/user-state';
import { sessionRefusal, type LoggedOutSessions } from '../auth/revocation';

const NONE_LOGGED_OUT: Pick<LoggedOutSessions, 'has'> = { has: () => false };
import type { SocketData } from './protocol';

/** Cookie header -> name/value map (values URI-decoded, malformed ones kept raw). */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/** A socket's session: who, and until when it may stay open (the session's end). */
export interface HandshakeSession {
  data: SocketData;
  expiresAtMs: number;
}

export interface HandshakeAuth {
  secret: string;
  secureCookie: boolean;
  /** Session lifetime (SESSION_MAX_AGE_HOURS) in seconds; see lib/auth/session-claims.ts. */
  maxAgeSeconds: number;
  /** The user's current state (see lib/auth/user-state.ts): a disabled or unknown user is refused, the current role used. */
  userState?: (userId: string) => Promise<UserState | null>;
  /** Sessions ended by logging out (lib/auth/revocation.ts); checked with `userState`. */
  loggedOut?: Pick<LoggedOutSessions, 'has'>;
}

/**
 * Reads the next-auth session from a socket.io handshake. `getToken` looks in `req.cookies`, not
 * the raw header, so the header is parsed first. Only the cookie counts (no bearer header), as
 * browsers are the only socket clients. A session past its lifetime is refused like none.
 */
export async function sessionFromHandshake(
  headers: IncomingHttpHeaders,
  auth: HandshakeAuth,
): Promise<HandshakeSession | null> {
  const cookies = parseCookieHeader(headers.cookie);
  const token = await getToken({
    req: { headers: { cookie: headers.cookie ?? '' }, cookies } as unknown as Parameters<typeof getToken>[0]['req'],
    secret: auth.secret,
    secureCookie: auth.secureCookie,
  });
  const claims = readSessionClaims(token, Date.now(), auth.maxAgeSeconds);
  if (!claims) return null;
  const { expiresAtMs } = claims;
  if (!auth.userState)
    return { data: { userId: claims.userId, username: claims.username, role: claims.role }, expiresAtMs };
  const state = await auth.userState(claims.userId);
  // Disabled, revoked (password changed, other sessions logged out) or logged out: refused.
  if (!state || sessionRefusal(claims, state, auth.loggedOut ?? NONE_LOGGED_OUT)) return null;
  return { data: { userId: state.id, username: state.username, role: state.role }, expiresAtMs };
}
