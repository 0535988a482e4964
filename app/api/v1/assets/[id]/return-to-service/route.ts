import { apiRoute } from '@/lib/api/route';
import { getAlerts, readComment } from '@/lib/alerts/api';

export const dynamic = 'force-dynamic';

/** Returns the asset to service: evaluated again from the next point, its alarms back as they were. Admins. */
export const POST = apiRoute({ role: 'admin' }, async ({ req, params, principal, address }) => {
  const target = params.id ?? '';
  const comment = await readComment(req);
  const alarms = await getAlerts().returnToService('asset', target, comment, { username: principal.username, address });
  return Response.json({ alarms });
});
