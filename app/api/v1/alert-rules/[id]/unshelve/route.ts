import { apiRoute } from '@/lib/api/route';
import { ruleIdParam } from '@/lib/alerts/api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Ends a rule's shelving now. */
export const POST = apiRoute({ role: 'operator' }, async ({ params, principal, address }) => {
  const id = ruleIdParam(params.id);
  const rule = await getServices().alerts.shelve(id, null, { username: principal.username, address });
  return Response.json({ rule });
});
