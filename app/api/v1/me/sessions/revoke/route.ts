import { apiRoute } from '@/lib/api/route';
import { reissuedSessionCookie } from '@/lib/auth/session-cookie';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * "Log out other sessions": every session and login token of the caller ends at once (sockets
 * closed); a browser session that asks keeps going under a re-issued cookie.
 */
export const POST = apiRoute({ role: 'viewer' }, async ({ principal, address }) => {
  const user = await getServices().admin.revokeSessions({ username: principal.username, address }, principal.userId);
  const { authSecret, config } = getServices();
  const cookie = await reissuedSessionCookie(principal, user.sessionGeneration, authSecret, config.publicUrl);
  return Response.json({ revoked: true }, { headers: cookie ? { 'set-cookie': cookie } : {} });
});
