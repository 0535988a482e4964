import { apiRoute } from '@/lib/api/route';
import { changeOwnPasswordSchema } from '@/lib/auth/admin-schemas';
import { reissuedSessionCookie } from '@/lib/auth/session-cookie';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * Anyone signed in changes their own password; a wrong current password is 400 naming it. Every
 * other session and login token of the user ends; the browser session that asked is re-issued.
 */
export const POST = apiRoute(
  { role: 'viewer', body: changeOwnPasswordSchema },
  async ({ body, principal, address }) => {
    const user = await getServices().admin.changeOwnPassword(
      { userId: principal.userId, username: principal.username, address },
      body.currentPassword,
      body.newPassword,
    );
    const { authSecret, config } = getServices();
    const cookie = await reissuedSessionCookie(principal, user.sessionGeneration, authSecret, config.publicUrl);
    return Response.json({ changed: true }, { headers: cookie ? { 'set-cookie': cookie } : {} });
  },
);
