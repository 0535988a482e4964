import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { isRole } from '../auth/roles';
import type { UserState } from '../auth/user-state';
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

/**
 * Reads the next-auth session from a socket.io handshake. `getToken` looks in `req.cookies`, not
 * the raw header, so the header is parsed first. Only the cookie counts (no bearer header), as
 * browsers are the only socket clients.
 */
export async function sessionFromHandshake(
  headers: IncomingHttpHeaders,
  secret: string,
  secureCookie: boolean,
  /** The user's current state (see lib/auth/user-state.ts): a disabled or unknown user is refused, the current role used. */
  userState?: (userId: string) => Promise<UserState | null>,
): Promise<SocketData | null> {
  const cookies = parseCookieHeader(headers.cookie);
  const token = await getToken({
    req: { headers: { cookie: headers.cookie ?? '' }, cookies } as unknown as Parameters<typeof getToken>[0]['req'],
    secret,
    secureCookie,
  });
  if (!token || typeof token.sub !== 'string' || typeof token.username !== 'string' || !isRole(token.role)) return null;
  if (!userState) return { userId: token.sub, username: token.username, role: token.role };
  const state = await userState(token.sub);
  if (!state || state.disabled) return null;
  return { userId: state.id, username: state.username, role: state.role };
}
