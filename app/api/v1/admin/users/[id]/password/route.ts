import { getServices } from '@/lib/services';
import { apiRoute } from '@/lib/api/route';
import { userView } from '@/lib/auth/admin-views';
import { resetPasswordSchema } from '@/lib/auth/admin-schemas';

export const dynamic = 'force-dynamic';

/** An admin sets a user's password (the user's sessions stay valid; disable to cut them). */
export const POST = apiRoute(
  { role: 'admin', body: resetPasswordSchema },
  async ({ body, params, principal, address }) => {
    const admin = getServices().admin;
    const target = await admin.requireById(params.id ?? '');
    const user = await admin.resetPassword({ username: principal.username, address }, target.username, body.password);
    return Response.json({ user: userView(user) });
  },
);
