import { ApiError } from '@/lib/api/errors';
import { getServices } from '@/lib/services';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

/** Revokes a key by its 8-character prefix, at once (idempotent). */
export const DELETE = apiRoute({ role: 'admin' }, async ({ params, principal, address }) => {
  const prefix = params.prefix ?? '';
  if (!/^[0-9a-f]{8}$/.test(prefix)) throw new ApiError(404, 'not_found', 'no API key with this prefix');
  const key = await getServices().admin.revokeKey({ username: principal.username, address }, prefix);
  return Response.json({ key: { prefix: key.prefix, owner: key.username, revokedAt: key.revokedAt } });
});
