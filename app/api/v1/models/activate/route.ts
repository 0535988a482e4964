import { apiRoute } from '@/lib/api/route';
import { actorOf, modelRefSchema } from '@/lib/serving/model-admin-api';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Serve `{name, version}` from now on (also a rollback): no restart, no failed request. Admins only. */
export const POST = apiRoute({ role: 'admin', body: modelRefSchema }, async ({ body, principal }) => {
  const result = await getServices().models.activate(body, actorOf(principal));
  return Response.json(result);
});
