import { userAdmin } from '@/lib/services';
import { apiRoute } from '@/lib/api/route';
import { changeOwnPasswordSchema } from '@/lib/auth/admin-schemas';

export const dynamic = 'force-dynamic';

/** Anyone signed in changes their own password; a wrong current password is 400 naming it. */
export const POST = apiRoute(
  { role: 'viewer', body: changeOwnPasswordSchema },
  async ({ body, principal, address }) => {
    await userAdmin().changeOwnPassword(
      { userId: principal.userId, username: principal.username, address },
      body.currentPassword,
      body.newPassword,
    );
    return Response.json({ changed: true });
  },
);
