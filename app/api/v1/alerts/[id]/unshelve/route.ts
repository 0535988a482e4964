import { apiRoute } from '@/lib/api/route';
import { alertIdParam, getAlerts, readComment } from '@/lib/alerts/api';

export const dynamic = 'force-dynamic';

/** Takes a shelved alarm back by hand (active and acknowledged). Operators; audited, journaled. */
export const POST = apiRoute({ role: 'operator' }, async ({ req, params, principal, address }) => {
  const id = alertIdParam(params.id);
  const comment = await readComment(req);
  const alert = await getAlerts().unshelveAlarm(id, { username: principal.username, address }, comment);
  return Response.json({ alert });
});
