import { apiRoute } from '@/lib/api/route';
import { alarmSettingsSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** The alarm settings (the maximum shelving time, seconds). */
export const GET = apiRoute({ role: 'viewer' }, async () =>
  Response.json({ maxShelveSeconds: await getServices().alerts.maxShelveSeconds() }),
);

/** Admins set the maximum shelving time; audited. */
export const PUT = apiRoute({ role: 'admin', body: alarmSettingsSchema }, async ({ body, principal, address }) =>
  Response.json({
    maxShelveSeconds: await getServices().alerts.setMaxShelveSeconds(body.maxShelveSeconds, {
      username: principal.username,
      address,
    }),
  }),
);
