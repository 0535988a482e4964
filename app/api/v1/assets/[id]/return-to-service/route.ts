import { apiRoute } from '@/lib/api/route';
import { commentSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * Returns the asset to service: evaluated again from the next point, its alarms back as they were.
 * Admins. The body is required JSON (`{}` at least, optionally `{comment}`).
 */
export const POST = apiRoute({ role: 'admin', body: commentSchema }, async ({ params, body, principal, address }) => {
  const target = params.id ?? '';
  const alarms = await getServices().alerts.returnToService('asset', target, body.comment || null, {
    username: principal.username,
    address,
  });
  return Response.json({ alarms });
});
