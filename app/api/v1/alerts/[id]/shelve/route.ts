import { apiRoute } from '@/lib/api/route';
import { alertIdParam } from '@/lib/alerts/api';
import { alarmShelveSchema } from '@/lib/alerts/schemas';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/** Shelves an active alarm: one-shot (`durationSeconds: null`) or timed, with a reason. Operators; audited, journaled. */
export const POST = apiRoute(
  { role: 'operator', body: alarmShelveSchema },
  async ({ params, body, principal, address }) => {
    const id = alertIdParam(params.id);
    const alert = await getServices().alerts.shelveAlarm(id, body, { username: principal.username, address });
    return Response.json({ alert });
  },
);
