import { apiRoute } from '@/lib/api/route';
import { getAlerts } from '@/lib/alerts/api';
import { alarmSettingsSchema } from '@/lib/alerts/schemas';

export const dynamic = 'force-dynamic';

/** The alarm settings (the maximum shelving time, seconds). */
export const GET = apiRoute({ role: 'viewer' }, async () =>
  Response.json({ maxShelveSeconds: await getAlerts().maxShelveSeconds() }),
);

/** Admins set the maximum shelving time; audited. */
export const PUT = apiRoute({ role: 'admin', body: alarmSettingsSchema }, async ({ body, principal, address }) =>
  Response.json({
    maxShelveSeconds: await getAlerts().setMaxShelveSeconds(body.maxShelveSeconds, {
      username: principal.username,
      address,
    }),
  }),
);
