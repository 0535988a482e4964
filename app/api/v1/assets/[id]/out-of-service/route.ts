import { apiRoute } from '@/lib/api/route';
import { getAlerts } from '@/lib/alerts/api';
import { outOfServiceSchema } from '@/lib/alerts/schemas';

export const dynamic = 'force-dynamic';

/** Takes the asset out of service with a reason: nothing is raised, its alarms are hidden from operators. Admins. */
export const POST = apiRoute(
  { role: 'admin', body: outOfServiceSchema },
  async ({ params, body, principal, address }) => {
    const target = params.id ?? '';
    const out = await getAlerts().takeOutOfService('asset', target, body.reason, {
      username: principal.username,
      address,
    });
    return Response.json(out);
  },
);
