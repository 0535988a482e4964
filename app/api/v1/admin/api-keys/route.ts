import { apiRoute } from '@/lib/api/route';
import { createKeySchema } from '@/lib/auth/admin-schemas';
import { keyView } from '@/lib/auth/admin-views';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Every key (never the secret): prefix, name, owner and the owner's current role, dates, state. */
export const GET = apiRoute({ role: 'admin' }, async () => {
  const now = Date.now();
  const keys = (await getServices().repos.apiKeys.listWithOwners()).map((k) => keyView(k, now));
  return Response.json({ keys }, { headers: { 'cache-control': 'no-store' } });
});

/** Creates a key for a user; the answer holds the key, which is never shown again. */
export const POST = apiRoute({ role: 'admin', body: createKeySchema }, async ({ body, principal, address }) => {
  const created = await getServices().admin.createKey({ username: principal.username, address }, body);
  return Response.json(
    {
      key: created.key,
      prefix: created.prefix,
      expiresAt: created.expiresAt,
      owner: created.owner.username,
      role: created.owner.role,
    },
    { status: 201, headers: { 'cache-control': 'no-store' } },
  );
});
