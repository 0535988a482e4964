import { apiRoute } from '@/lib/api/route';
import { ruleIdParam } from '@/lib/alerts/api';
import { shelveSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Shelves a rule for `minutes`: it raises nothing meanwhile (open alerts stay and clear normally). */
export const POST = apiRoute({ role: 'operator', body: shelveSchema }, async ({ params, body, principal, address }) => {
  const id = ruleIdParam(params.id);
  const rule = await getServices().alerts.shelve(id, body.minutes, { username: principal.username, address });
  return Response.json({ rule });
});
