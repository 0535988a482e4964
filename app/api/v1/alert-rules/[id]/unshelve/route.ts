import { apiRoute } from '@/lib/api/route';
import { getAlerts, ruleIdParam } from '@/lib/alerts/api';

export const dynamic = 'force-dynamic';

/** Ends a rule's shelving now. */
export const POST = apiRoute({ role: 'operator' }, async ({ params, principal, address }) => {
  const id = ruleIdParam(params.id);
  const rule = await getAlerts().shelve(id, null, { username: principal.username, address });
  return Response.json({ rule });
});
