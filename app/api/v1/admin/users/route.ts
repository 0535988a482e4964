import { apiRoute } from '@/lib/api/route';
import { createUserSchema } from '@/lib/auth/admin-schemas';
import { userView } from '@/lib/auth/admin-views';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Every user (no password hashes), by username. Admins only. */
export const GET = apiRoute({ role: 'admin' }, async () => {
  const users = (await getServices().users.list()).map(userView);
  return Response.json({ users }, { headers: { 'cache-control': 'no-store' } });
});

/** Creates a user; 409 naming `username` when it is taken. */
export const POST = apiRoute({ role: 'admin', body: createUserSchema }, async ({ body, principal, address }) => {
  const user = await getServices().admin.createUser({ username: principal.username, address }, body);
  return Response.json({ user: userView(user) }, { status: 201 });
});
