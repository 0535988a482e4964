/**
 * Re-issues the caller's own browser session under the user's new session generation, so that
 * "log out other sessions" and changing one's own password keep the session that asked while
 * every other one (and every login token) is revoked. Same login time: the lifetime is unchanged.
 */
import { encode } from 'next-auth/jwt';
import type { Principal } from './bearer';
import { sessionMaxAgeSeconds } from './session-claims';

/** A Set-Cookie header value carrying the re-issued session, or null when the caller is no browser session. */
export async function reissuedSessionCookie(
  principal: Principal,
  generation: number,
  secret: string,
  publicUrl: string,
): Promise<string | null> {
  if (principal.via !== 'session' || !principal.session) return null;
  const maxAge = sessionMaxAgeSeconds();
  const expiresAt = (principal.session.authTime + maxAge) * 1000;
  const remaining = Math.floor((expiresAt - Date.now()) / 1000);
  if (remaining <= 0) return null;
  const token = await encode({
    token: {
      sub: principal.userId,
      username: principal.username,
      role: principal.role,
      name: principal.username,
      authTime: principal.session.authTime,
      gen: generation,
      sid: principal.session.sid,
    },
    secret,
    maxAge: remaining,
  });
  // next-auth's own cookie name and attributes (lib default cookies).
  const secure = publicUrl.startsWith('https://');
  const name = `${secure ? '__Secure-' : ''}next-auth.session-token`;
  return `${name}=${token}; Path=/; Expires=${new Date(expiresAt).toUTCString()}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
