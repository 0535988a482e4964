import { apiRoute } from '@/lib/api/route';
import { outOfServiceSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Takes the asset out of service with a reason: nothing is raised, its alarms are hidden from operators. Admins. */
export const POST = apiRoute(
  { role: 'admin', body: outOfServiceSchema },
  async ({ params, body, principal, address }) => {
    const target = params.id ?? '';
    const out = await getServices().alerts.takeOutOfService('asset', target, body.reason, {
      username: principal.username,
      address,
    });
    return Response.json(out);
  },
);
