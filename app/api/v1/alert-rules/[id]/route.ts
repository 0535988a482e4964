import { apiRoute } from '@/lib/api/route';
import { ruleIdParam } from '@/lib/alerts/api';
import { ruleBodySchema, rulePatchSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Replaces a rule's settings (all fields). Effective from the next point; audited. */
export const PUT = apiRoute(
  { role: 'operator', body: ruleBodySchema },
  async ({ params, body, principal, address }) => {
    const id = ruleIdParam(params.id);
    const rule = await getServices().alerts.updateRule(id, body, { username: principal.username, address });
    return Response.json({ rule });
  },
);

/** Changes some of a rule's settings. */
export const PATCH = apiRoute(
  { role: 'operator', body: rulePatchSchema },
  async ({ params, body, principal, address }) => {
    const id = ruleIdParam(params.id);
    const rule = await getServices().alerts.updateRule(id, body, { username: principal.username, address });
    return Response.json({ rule });
  },
);
