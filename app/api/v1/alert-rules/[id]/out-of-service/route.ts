import { apiRoute } from '@/lib/api/route';
import { ruleIdParam } from '@/lib/alerts/api';
import { outOfServiceSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Takes the rule out of service with a reason: nothing is raised, its alarms are hidden from operators. Admins. */
export const POST = apiRoute(
  { role: 'admin', body: outOfServiceSchema },
  async ({ params, body, principal, address }) => {
    const target = ruleIdParam(params.id);
    const out = await getServices().alerts.takeOutOfService('rule', target, body.reason, {
      username: principal.username,
      address,
    });
    return Response.json(out);
  },
);
