import { getServices } from '@/lib/services';
import { apiRoute } from '@/lib/api/route';
import { userView } from '@/lib/auth/admin-views';
import { updateUserSchema } from '@/lib/auth/admin-schemas';

export const dynamic = 'force-dynamic';

/** Changes role, disabled state and/or display name; the last active admin is kept (409). */
export const PATCH = apiRoute(
  { role: 'admin', body: updateUserSchema },
  async ({ body, params, principal, address }) => {
    const user = await getServices().admin.updateUser({ username: principal.username, address }, params.id ?? '', body);
    return Response.json({ user: userView(user) });
  },
);
