import { apiRoute } from '@/lib/api/route';
import { ruleIdParam } from '@/lib/alerts/api';
import { commentSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * Returns the rule to service: evaluated again from the next point, its alarms back as they were.
 * Admins. The body is required JSON (`{}` at least, optionally `{comment}`).
 */
export const POST = apiRoute({ role: 'admin', body: commentSchema }, async ({ params, body, principal, address }) => {
  const target = ruleIdParam(params.id);
  const alarms = await getServices().alerts.returnToService('rule', target, body.comment || null, {
    username: principal.username,
    address,
  });
  return Response.json({ alarms });
});
